"""Configuration: explicit arguments, from_env, from_config_file, base URL rules, timeouts, lifecycle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    DEFAULT_TIMEOUT,
    AsyncSimIntegrationsClient,
    ClientCredentialsAuth,
    ConfigurationError,
    PatchFormat,
    SimIntegrationsClient,
    StaticTokenAuth,
)

from .helpers import CLIENT_ID, CLIENT_SECRET, INTEGRATION, STATIC_TOKEN, Recorder

pytestmark = pytest.mark.usefixtures("no_sail_env")


def test_explicit_client_credentials(cls: Any) -> None:
    client = cls("https://acme.api.identitynow.com", CLIENT_ID, CLIENT_SECRET)
    assert client.base_url == "https://acme.api.identitynow.com"
    assert client.api_base_url == "https://acme.api.identitynow.com/v2025"
    assert isinstance(client.auth, ClientCredentialsAuth)
    assert client.auth.token_url == "https://acme.api.identitynow.com/oauth/token"
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.patch_format is PatchFormat.OPERATIONS_OBJECT
    assert client.retry.max_attempts == 3


def test_explicit_token(cls: Any) -> None:
    client = cls("https://acme.api.identitynow.com", access_token=STATIC_TOKEN)
    assert isinstance(client.auth, StaticTokenAuth)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.api.identitynow.com/", "https://acme.api.identitynow.com"),
        ("https://acme.api.identitynow.com/v2025", "https://acme.api.identitynow.com"),
        ("https://acme.api.identitynow.com/v2025/", "https://acme.api.identitynow.com"),
        ("https://gw.example.com/sailpoint", "https://gw.example.com/sailpoint"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.5.6.7", "http://127.5.6.7"),
        ("http://localhost:9000/", "http://localhost:9000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("  https://acme.api.identitynow.com  ", "https://acme.api.identitynow.com"),
    ],
)
def test_base_url_accepted(cls: Any, url: str, expected: str) -> None:
    client = cls(url, access_token="t")
    assert client.base_url == expected
    assert client.api_base_url == expected + "/v2025"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "base_url is not set"),
        ("acme.api.identitynow.com", "not an absolute https URL"),
        ("/v2025", "not an absolute https URL"),
        ("ftp://acme.example.com", "not an absolute https URL"),
        ("file:///etc/passwd", "not an absolute https URL"),
        ("https://", "not an absolute https URL"),
        ("http://acme.api.identitynow.com", "plain http://"),
        ("http://10.0.0.1", "plain http://"),
        ("https://user:pw@acme.example.com", "credentials"),
        ("https://acme.example.com/?x=1", "query or fragment"),
        ("https://acme.example.com/#frag", "query or fragment"),
        ("https://acme.example.com:99999", "not a valid URL"),
        ("https://acme\ud800.example.com", "not a valid URL"),
    ],
)
def test_base_url_refused(cls: Any, url: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as info:
        cls(url, access_token="t")
    assert "pw" not in str(info.value)


def test_base_url_not_a_string(cls: Any) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        cls(None, access_token="t")


def test_insecure_http_allowed_when_asked(cls: Any) -> None:
    client = cls("http://sailpoint.internal", access_token="t", allow_insecure_http=True)
    assert client.api_base_url == "http://sailpoint.internal/v2025"


def test_api_version_setting(cls: Any) -> None:
    client = cls("https://acme.example.com/beta", access_token="t", api_version="beta")
    assert client.api_base_url == "https://acme.example.com/beta"
    with pytest.raises(ConfigurationError, match="api_version"):
        cls("https://acme.example.com", access_token="t", api_version="v2025/../x")
    with pytest.raises(ConfigurationError, match="api_version"):
        cls("https://acme.example.com", access_token="t", api_version="")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "no credentials"),
        ({"client_id": "id"}, "client_secret is not set"),
        ({"client_secret": "s"}, "client_id is not set"),
        ({"client_id": "id", "client_secret": "s", "access_token": "t"}, "not both"),
        ({"access_token": ""}, "access_token must be a non-empty string"),
        ({"client_id": "id", "client_secret": 5}, "client_secret must be a non-empty string"),
        ({"access_token": "tök"}, "printable ASCII"),
        ({"access_token": "a\r\nX-Injected: 1"}, "printable ASCII"),
        ({"access_token": "two words"}, "printable ASCII"),
    ],
)
def test_credentials_refused(cls: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        cls("https://acme.example.com", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": "30"}, "timeout"),
        ({"patch_format": "array"}, "patch_format"),
        ({"retry": 3}, "retry must be a RetryPolicy"),
        ({"user_agent": "bad\nagent"}, "user_agent"),
        ({"user_agent": "agént"}, "user_agent"),
        ({"max_retries": -1}, "max_attempts"),
        ({"token_url": "http://evil.example.com/token"}, "token_url"),
    ],
)
def test_other_settings_refused(cls: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        cls("https://acme.example.com", "id", "secret", **kwargs)


def test_http_client_type_checked() -> None:
    with pytest.raises(ConfigurationError, match=r"httpx\.Client"):
        SimIntegrationsClient("https://a.example.com", access_token="t", http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"httpx\.AsyncClient"):
        AsyncSimIntegrationsClient("https://a.example.com", access_token="t", http_client=httpx.Client())  # type: ignore[arg-type]


# -- from_env -----------------------------------------------------------------------------------------


def test_from_env_client_credentials(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", "https://acme.api.identitynow.com")
    monkeypatch.setenv("SAIL_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SAIL_CLIENT_SECRET", CLIENT_SECRET)
    client = cls.from_env()
    assert isinstance(client.auth, ClientCredentialsAuth)
    assert client.auth.client_id == CLIENT_ID
    assert client.api_base_url == "https://acme.api.identitynow.com/v2025"


def test_from_env_token_and_version(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", "https://acme.api.identitynow.com/")
    monkeypatch.setenv("SAIL_ACCESS_TOKEN", STATIC_TOKEN)
    monkeypatch.setenv("SAIL_API_VERSION", "beta")
    client = cls.from_env()
    assert isinstance(client.auth, StaticTokenAuth)
    assert client.api_base_url == "https://acme.api.identitynow.com/beta"


def test_from_env_overrides_win(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", "https://acme.api.identitynow.com")
    monkeypatch.setenv("SAIL_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SAIL_CLIENT_SECRET", CLIENT_SECRET)
    client = cls.from_env(base_url="https://other.example.com", access_token="explicit", max_retries=0)
    assert client.base_url == "https://other.example.com"
    assert isinstance(client.auth, StaticTokenAuth)
    assert client.retry.max_attempts == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SAIL_BASE_URL is not set"),
        ({"SAIL_BASE_URL": "   "}, "SAIL_BASE_URL is not set"),
        ({"SAIL_BASE_URL": "acme.api.identitynow.com"}, "SAIL_BASE_URL is not an absolute https URL"),
        ({"SAIL_BASE_URL": "http://acme.api.identitynow.com"}, "SAIL_BASE_URL uses plain http"),
        ({"SAIL_BASE_URL": "https://a.example.com"}, "SAIL_CLIENT_ID and SAIL_CLIENT_SECRET"),
        ({"SAIL_BASE_URL": "https://a.example.com", "SAIL_CLIENT_ID": "id"}, "SAIL_CLIENT_SECRET is not set"),
        ({"SAIL_BASE_URL": "https://a.example.com", "SAIL_CLIENT_SECRET": "s"}, "SAIL_CLIENT_ID is not set"),
        (
            {"SAIL_BASE_URL": "https://a.example.com", "SAIL_ACCESS_TOKEN": "t", "SAIL_CLIENT_ID": "i"},
            "SAIL_ACCESS_TOKEN or SAIL_CLIENT_ID",
        ),
        (
            {"SAIL_BASE_URL": "https://a.example.com", "SAIL_ACCESS_TOKEN": "t", "SAIL_API_VERSION": "a/b"},
            "SAIL_API_VERSION",
        ),
    ],
)
def test_from_env_errors_name_the_variable(
    cls: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError, match=message):
        cls.from_env()


# -- from_config_file -----------------------------------------------------------------------------------


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "config.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_from_config_file(cls: Any, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "BaseURL": "https://acme.api.identitynow.com",
            "ClientId": CLIENT_ID,
            "ClientSecret": CLIENT_SECRET,
            "NermBaseUrl": "https://ignored.example.com",
        },
    )
    client = cls.from_config_file(str(path))
    assert client.api_base_url == "https://acme.api.identitynow.com/v2025"
    assert isinstance(client.auth, ClientCredentialsAuth)
    assert client.auth.client_id == CLIENT_ID


def test_from_config_file_default_path(cls: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"BaseURL": "https://a.example.com", "ClientId": "i", "ClientSecret": "s"})
    monkeypatch.chdir(tmp_path)
    assert cls.from_config_file().base_url == "https://a.example.com"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"ClientId": "i", "ClientSecret": "s"}, "BaseURL in config.json is not set"),
        (
            {"BaseURL": "ftp://x", "ClientId": "i", "ClientSecret": "s"},
            "BaseURL in config.json is not an absolute https URL",
        ),
        ({"BaseURL": 5, "ClientId": "i", "ClientSecret": "s"}, "BaseURL in config.json must be a string"),
        ({"BaseURL": "https://a.example.com", "ClientSecret": "s"}, "ClientId in config.json is not set"),
        ({"BaseURL": "https://a.example.com", "ClientId": "i"}, "ClientSecret in config.json is not set"),
        ({"BaseURL": "https://a.example.com"}, "no credentials"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"BaseURL": ', "not valid JSON"),
    ],
)
def test_from_config_file_errors(cls: Any, tmp_path: Path, content: Any, message: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(ConfigurationError, match=message):
        cls.from_config_file(str(path))


def test_from_config_file_missing(cls: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read"):
        cls.from_config_file(str(tmp_path / "nope.json"))


def test_from_config_file_secret_not_quoted_in_json_error(cls: Any, tmp_path: Path) -> None:
    path = _write(tmp_path, '{"ClientSecret": "' + CLIENT_SECRET + '" oops}')
    with pytest.raises(ConfigurationError) as info:
        cls.from_config_file(str(path))
    assert CLIENT_SECRET not in str(info.value)


# -- timeouts and lifecycle --------------------------------------------------------------------------------


def test_default_timeout_on_own_client() -> None:
    recorder = Recorder()
    client = SimIntegrationsClient("https://a.example.com", access_token="t")
    assert client._http.timeout == DEFAULT_TIMEOUT  # the httpx client we built
    assert DEFAULT_TIMEOUT.connect == 10.0 and DEFAULT_TIMEOUT.read == 30.0
    client.close()
    del recorder


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_user_client_keeps_its_timeout_unless_given(kind: str) -> None:
    recorder = Recorder()
    transport = httpx.MockTransport(recorder)
    user_timeout = httpx.Timeout(3.0)
    for given, expected in ((None, user_timeout), (7.5, httpx.Timeout(7.5))):
        kwargs: dict[str, Any] = {} if given is None else {"timeout": given}
        if kind == "sync":
            http = httpx.Client(transport=transport, timeout=user_timeout)
            SimIntegrationsClient("https://a.example.com", access_token="t", http_client=http, **kwargs).get(
                "x"
            )
        else:
            ahttp = httpx.AsyncClient(transport=transport, timeout=user_timeout)
            await AsyncSimIntegrationsClient(
                "https://a.example.com", access_token="t", http_client=ahttp, **kwargs
            ).get("x")
        assert recorder.requests[-1].extensions["timeout"] == expected.as_dict()


async def test_own_client_timeout_setting() -> None:
    client = AsyncSimIntegrationsClient(
        "https://a.example.com", access_token="t", timeout=httpx.Timeout(2.0, connect=1.0)
    )
    assert client._http.timeout == httpx.Timeout(2.0, connect=1.0)
    await client.aclose()


def test_sync_lifecycle_never_closes_user_client() -> None:
    user = httpx.Client(transport=httpx.MockTransport(Recorder()))
    with SimIntegrationsClient("https://a.example.com", access_token="t", http_client=user) as client:
        client.get("x")
    assert not user.is_closed
    own = SimIntegrationsClient("https://a.example.com", access_token="t")
    with own:
        pass
    assert own._http.is_closed


async def test_async_lifecycle_never_closes_user_client() -> None:
    user = httpx.AsyncClient(transport=httpx.MockTransport(Recorder()))
    async with AsyncSimIntegrationsClient(
        "https://a.example.com", access_token="t", http_client=user
    ) as client:
        result = await client.get("x")
    assert result.to_dict() == INTEGRATION
    assert not user.is_closed
    own = AsyncSimIntegrationsClient("https://a.example.com", access_token="t")
    async with own:
        pass
    assert own._http.is_closed
    await user.aclose()


def test_user_client_event_hooks_and_headers_are_kept() -> None:
    seen: list[str] = []
    recorder = Recorder()
    user = httpx.Client(
        transport=httpx.MockTransport(recorder),
        headers={"X-Custom": "1"},
        event_hooks={"request": [lambda request: seen.append(request.url.path)]},
    )
    client = SimIntegrationsClient("https://a.example.com", CLIENT_ID, CLIENT_SECRET, http_client=user)
    client.get("x")
    assert seen == ["/oauth/token", "/v2025/sim-integrations/x"]
    assert recorder.api_requests[0].headers["X-Custom"] == "1"
