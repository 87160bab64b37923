"""Configuration rules found untested by mutation testing (issue 15): each pins one behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sailpoint_sim import ConfigurationError, Layout
from sailpoint_sim._config import config_file_kwargs, env_kwargs, redact_url, validate_url

ROOT = "https://acme.api.identitynow.com"


def _file(tmp_path: Path, **data: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"BaseURL": ROOT, "ClientId": "id", "ClientSecret": "sec", **data}))
    return path


# -- redact_url / credentials in URLs ---------------------------------------------------------------
def test_redact_url_with_at_sign_inside_the_password_quotes_no_part_of_it() -> None:
    shown = redact_url("ftp://user:pa@ss@acme.example.com/x")
    assert shown == "ftp://***@acme.example.com/x"


def test_refusal_of_a_bad_scheme_never_quotes_a_password_holding_an_at_sign() -> None:
    with pytest.raises(ConfigurationError, match="not an absolute https URL") as caught:
        validate_url("ftp://user:pa@ss@acme.example.com", setting="base_url")
    assert "pa" not in str(caught.value).replace("acme", "")
    assert "***@acme.example.com" in str(caught.value)


def test_redact_url_leaves_a_url_without_userinfo_alone() -> None:
    assert redact_url("https://acme.example.com/a?b=c") == "https://acme.example.com/a?b=c"


def test_a_user_name_without_a_password_is_refused_as_credentials() -> None:
    with pytest.raises(ConfigurationError, match=r"^base_url must not contain credentials") as caught:
        validate_url("https://user@acme.example.com", setting="base_url")
    assert "user" not in str(caught.value).replace("user:password", "")


@pytest.mark.parametrize("url", [f"{ROOT}/?", f"{ROOT}#", f"{ROOT}/v2025?", f"{ROOT}?a=1", f"{ROOT}#x"])
def test_a_query_or_fragment_even_a_bare_one_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^SAIL_BASE_URL must not contain a query or fragment"):
        validate_url(url, setting="SAIL_BASE_URL")


# -- from_config_file --------------------------------------------------------------------------------
def test_config_file_plain_http_to_a_remote_host_is_refused_naming_the_file_key(tmp_path: Path) -> None:
    path = _file(tmp_path, BaseURL="http://acme.api.identitynow.com")
    with pytest.raises(ConfigurationError, match=r"^BaseURL in config\.json uses plain http://"):
        config_file_kwargs(path, {}, environ={})


def test_config_file_plain_http_allowed_when_the_override_says_so(tmp_path: Path) -> None:
    path = _file(tmp_path, BaseURL="http://acme.api.identitynow.com")
    kwargs = config_file_kwargs(path, {"allow_insecure_http": True}, environ={})
    assert kwargs["base_url"] == "http://acme.api.identitynow.com"


def test_config_file_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = _file(tmp_path, BaseURL="https://file.example.com/v3")
    kwargs = config_file_kwargs(
        path,
        {"base_url": "https://given.example.com", "access_token": "tok", "api_version": "v3"},
        environ={"SAIL_SIM_LAYOUT": "per-resource"},
    )
    assert kwargs["base_url"] == "https://given.example.com"
    assert kwargs["access_token"] == "tok"
    assert "client_id" not in kwargs and "client_secret" not in kwargs
    assert kwargs["layout"] is Layout.PER_RESOURCE


def test_config_file_api_version_override_strips_that_version_from_the_file_url(tmp_path: Path) -> None:
    path = _file(tmp_path, BaseURL="https://file.example.com/v3/")
    kwargs = config_file_kwargs(path, {"api_version": "v3"}, environ={})
    assert kwargs["base_url"] == "https://file.example.com"
    assert kwargs["api_version"] == "v3"
    assert (kwargs["client_id"], kwargs["client_secret"]) == ("id", "sec")


def test_config_file_layout_override_wins_over_the_environment(tmp_path: Path) -> None:
    kwargs = config_file_kwargs(
        _file(tmp_path), {"layout": "v2025"}, environ={"SAIL_SIM_LAYOUT": "per-resource"}
    )
    assert kwargs["layout"] == "v2025"


def test_config_file_without_layout_anywhere_passes_no_layout(tmp_path: Path) -> None:
    kwargs = config_file_kwargs(_file(tmp_path), {"layout": None}, environ={"SAIL_SIM_LAYOUT": "  "})
    assert "layout" not in kwargs


def test_config_file_bad_layout_variable_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"^SAIL_SIM_LAYOUT must be one of 'v2025', 'per-resource'"):
        config_file_kwargs(_file(tmp_path), {}, environ={"SAIL_SIM_LAYOUT": "v3"})


# -- from_env ----------------------------------------------------------------------------------------
FULL_ENV = {
    "SAIL_BASE_URL": "https://env.example.com/v9",
    "SAIL_CLIENT_ID": "env-id",
    "SAIL_CLIENT_SECRET": "env-secret",
    "SAIL_API_VERSION": "v9",
    "SAIL_SIM_LAYOUT": "per-resource",
}


def test_env_values_are_read_when_nothing_overrides_them() -> None:
    kwargs = env_kwargs({}, environ=FULL_ENV)
    assert kwargs["base_url"] == "https://env.example.com"
    assert kwargs["api_version"] == "v9"
    assert kwargs["layout"] is Layout.PER_RESOURCE
    assert (kwargs["client_id"], kwargs["client_secret"], kwargs["access_token"]) == (
        "env-id",
        "env-secret",
        None,
    )


def test_env_overrides_win_over_every_variable() -> None:
    kwargs = env_kwargs(
        {
            "base_url": "https://given.example.com",
            "api_version": "v3",
            "layout": "v2025",
            "access_token": "tok",
        },
        environ=FULL_ENV,
    )
    assert kwargs["base_url"] == "https://given.example.com"
    assert kwargs["api_version"] == "v3"
    assert kwargs["layout"] == "v2025"
    assert kwargs["access_token"] == "tok"
    assert "client_id" not in kwargs and "client_secret" not in kwargs


def test_env_api_version_override_is_the_suffix_stripped_from_the_variable_url() -> None:
    kwargs = env_kwargs(
        {"api_version": "v3"}, environ={**FULL_ENV, "SAIL_BASE_URL": "https://env.example.com/v3"}
    )
    assert kwargs["base_url"] == "https://env.example.com"
    assert kwargs["api_version"] == "v3"


def test_env_plain_http_allowed_only_by_the_override() -> None:
    env = {**FULL_ENV, "SAIL_BASE_URL": "http://env.example.com"}
    with pytest.raises(ConfigurationError, match=r"^SAIL_BASE_URL uses plain http://"):
        env_kwargs({}, environ=env)
    assert env_kwargs({"allow_insecure_http": True}, environ=env)["base_url"] == "http://env.example.com"


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_variables_count_as_unset(blank: str) -> None:
    env = {
        "SAIL_BASE_URL": ROOT,
        "SAIL_ACCESS_TOKEN": "tok",
        "SAIL_CLIENT_ID": blank,
        "SAIL_CLIENT_SECRET": blank,
        "SAIL_API_VERSION": blank,
        "SAIL_SIM_LAYOUT": blank,
    }
    kwargs = env_kwargs({}, environ=env)
    assert kwargs["api_version"] == "v2025"
    assert "layout" not in kwargs
    assert (kwargs["client_id"], kwargs["client_secret"], kwargs["access_token"]) == (None, None, "tok")


def test_a_blank_base_url_variable_is_reported_as_not_set() -> None:
    with pytest.raises(ConfigurationError, match=r"^SAIL_BASE_URL is not set$"):
        env_kwargs({}, environ={"SAIL_BASE_URL": "  ", "SAIL_ACCESS_TOKEN": "tok"})


def test_a_bad_api_version_variable_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match=r"^SAIL_API_VERSION"):
        env_kwargs({}, environ={"SAIL_BASE_URL": ROOT, "SAIL_ACCESS_TOKEN": "tok", "SAIL_API_VERSION": "v 1"})
