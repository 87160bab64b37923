"""Settings refused at construction (issue 10.6, 10.7) and the path layouts (issue 11.1), on both clients."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    ConfigurationError,
    Layout,
    patch,
)
from sailpoint_sim._config import ClientSettings

from .helpers import BASE, INTEGRATION, SETTINGS_DEFAULTS, ApiFactory, Recorder

pytestmark = pytest.mark.usefixtures("no_sail_env")


# -- timeouts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timeout",
    [
        -1,
        0,
        math.nan,
        math.inf,
        -math.inf,
        True,
        httpx.Timeout(-1),
        httpx.Timeout(5.0, connect=-1),
        httpx.Timeout(5.0, read=math.nan),
        httpx.Timeout(5.0, pool=math.inf),
        httpx.Timeout(5.0, write=0),
    ],
    ids=repr,
)
def test_unusable_timeouts_are_refused_at_construction(cls: Any, timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        cls(BASE, access_token="t", timeout=timeout)


@pytest.mark.parametrize(
    "timeout", [0.5, 30, None, httpx.Timeout(None), httpx.Timeout(5.0, connect=None)], ids=repr
)
def test_usable_timeouts_are_kept(cls: Any, timeout: Any) -> None:
    client = cls(BASE, access_token="t", timeout=timeout)
    assert client.timeout == (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout))


# -- URLs -------------------------------------------------------------------------------------------------

BAD_URLS = [
    ("https://☃.net", "not ASCII.*xn--n3h.net"),
    ("https://\uff41\uff43\uff4d\uff45.api.identitynow.com", "not ASCII.*'acme.api.identitynow.com'"),
    ("https://acme.api.identitynow.com\n/x", "control character"),
    ("https://acme.api.identitynow.com/\0", "control character"),
    ("https://acme.api\x7f.identitynow.com", "control character"),
    ("https://acme.api.identitynow.com/a b", "control character or a space"),
    ("https://[::1", "not a valid URL"),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_bad_base_urls_are_configuration_errors(cls: Any, url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        cls(url, access_token="t")


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_bad_token_urls_are_refused_at_construction(cls: Any, url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match="token_url.*" + message):
        cls(BASE, "id", "secret", token_url=url)


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_bad_urls_from_env_and_config_file(
    cls: Any, url: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if "\0" not in url:  # an environment variable cannot hold a NUL
        monkeypatch.setenv("SAIL_BASE_URL", url)
        monkeypatch.setenv("SAIL_ACCESS_TOKEN", "t")
        with pytest.raises(ConfigurationError, match="SAIL_BASE_URL.*" + message):
            cls.from_env()
    config = tmp_path / "config.json"
    config.write_text(
        __import__("json").dumps({"BaseURL": url, "ClientId": "i", "ClientSecret": "s"}), encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match="BaseURL in config.json.*" + message):
        cls.from_config_file(config)


def test_token_url_is_used_exactly_as_given(cls: Any) -> None:
    # No version segment is stripped from a token URL (it used to be guarded by api_version="\0").
    client = cls(BASE, "id", "secret", token_url="https://login.example.com/v2025")
    assert client.auth.token_url == "https://login.example.com/v2025"


# -- layouts ----------------------------------------------------------------------------------------------

PATHS = {
    Layout.V2025: {
        "list": ("GET", "/v2025/sim-integrations"),
        "get": ("GET", "/v2025/sim-integrations/a%2Fb"),
        "create": ("POST", "/v2025/sim-integrations"),
        "update": ("PUT", "/v2025/sim-integrations/a%2Fb"),
        "patch": ("PATCH", "/v2025/sim-integrations/a%2Fb"),
        "patch_before_provisioning_rule": ("PATCH", "/v2025/sim-integrations/a%2Fb/beforeProvisioningRule"),
        "delete": ("DELETE", "/v2025/sim-integrations/a%2Fb"),
    },
    Layout.PER_RESOURCE: {
        "list": ("GET", "/sim-integrations/v1"),
        "get": ("GET", "/sim-integrations/v1/a%2Fb"),
        "create": ("POST", "/sim-integrations/v1"),
        "update": ("PUT", "/sim-integrations/v1/a%2Fb"),
        "patch": ("PATCH", "/sim-integrations/v1/a%2Fb"),
        "patch_before_provisioning_rule": ("PATCH", "/sim-integrations/v1/a%2Fb/beforeProvisioningRule"),
        "delete": ("DELETE", "/sim-integrations/v1/a%2Fb"),
    },
}
ARGS: dict[str, tuple[Any, ...]] = {
    "list": (),
    "get": ("a/b",),
    "create": ({"name": "n"},),
    "update": ("a/b", {"name": "n"}),
    "patch": ("a/b", [patch.replace("/description", "d")]),
    "patch_before_provisioning_rule": ("a/b", [patch.replace("/name", "r")]),
    "delete": ("a/b",),
}


@pytest.mark.parametrize("layout", [Layout.V2025, Layout.PER_RESOURCE, "per-resource", "v2025"])
@pytest.mark.parametrize("method", list(ARGS))
async def test_each_operation_goes_to_its_layouts_path(
    api_factory: ApiFactory, layout: Layout | str, method: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[INTEGRATION] if method == "list" else INTEGRATION)

    recorder = Recorder(api=answer)
    api = api_factory(recorder, base_url="https://gw.example.com/tenant", layout=layout, access_token="t")
    result = await api(method, *ARGS[method])
    await api.close()
    (request,) = recorder.api_requests
    expected_method, expected_path = PATHS[Layout(layout)][method]
    assert (request.method, request.url.raw_path.decode()) == (expected_method, "/tenant" + expected_path)
    assert request.headers["X-SailPoint-Experimental"] == "true"
    assert api.client.layout is Layout(layout)
    if method == "list":
        assert [item.id for item in result] == [INTEGRATION["id"]]
    elif method != "delete":
        assert result.id == INTEGRATION["id"]


def test_layout_is_a_str_enum_with_the_agreed_values() -> None:
    assert [(member.name, str(member)) for member in Layout] == [
        ("V2025", "v2025"),
        ("PER_RESOURCE", "per-resource"),
    ]


@pytest.mark.parametrize("layout", ["v1", "", None, 3, "per_resource"])
def test_unknown_layouts_are_refused(cls: Any, layout: object) -> None:
    with pytest.raises(ConfigurationError, match="layout must be one of 'v2025', 'per-resource'"):
        cls(BASE, access_token="t", layout=layout)


def test_api_version_does_not_apply_to_the_per_resource_layout(cls: Any) -> None:
    with pytest.raises(ConfigurationError, match="api_version 'v2024' applies only to layout 'v2025'"):
        cls(BASE, access_token="t", layout=Layout.PER_RESOURCE, api_version="v2024")


def test_layout_from_env_and_overrides_win(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", BASE)
    monkeypatch.setenv("SAIL_ACCESS_TOKEN", "t")
    assert cls.from_env().layout is Layout.V2025
    monkeypatch.setenv("SAIL_SIM_LAYOUT", "per-resource")
    assert cls.from_env().layout is Layout.PER_RESOURCE
    assert cls.from_env(layout="v2025").layout is Layout.V2025
    assert cls.from_env(layout=Layout.V2025).layout is Layout.V2025
    monkeypatch.setenv("SAIL_SIM_LAYOUT", "v1")
    with pytest.raises(ConfigurationError, match="SAIL_SIM_LAYOUT must be one of"):
        cls.from_env()


def test_layout_from_env_with_config_file(cls: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"BaseURL": "https://acme.api.identitynow.com", "ClientId": "i", "ClientSecret": "s"}')
    assert cls.from_config_file(config).layout is Layout.V2025
    monkeypatch.setenv("SAIL_SIM_LAYOUT", "per-resource")
    assert cls.from_config_file(config).layout is Layout.PER_RESOURCE
    assert cls.from_config_file(config, layout="v2025").layout is Layout.V2025


def test_repr_shows_the_layout(cls: Any) -> None:
    assert "layout=<Layout.PER_RESOURCE: 'per-resource'>" in repr(
        cls(BASE, access_token="t", layout="per-resource")
    )


# -- one place ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deadline": -1}, "deadline"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"rate_limit": "100/10"}, "rate_limit"),
        ({"timeout": math.nan}, "timeout"),
        ({"layout": "v3"}, "layout"),
    ],
)
def test_every_setting_is_checked_by_client_settings(kwargs: dict[str, Any], message: str) -> None:
    # ClientSettings is the one place: doctor and both clients get the same verdicts from it.
    base: dict[str, Any] = dict(SETTINGS_DEFAULTS)
    base.update(kwargs)
    if "timeout" in kwargs:
        base["timeout_given"] = True
    with pytest.raises(ConfigurationError, match=message):
        ClientSettings(BASE, None, None, "t", **base)
