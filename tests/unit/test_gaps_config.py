"""Configuration rules found untested by mutation testing (issue 15): each pins one behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from sailpoint_sim import ConfigurationError, Layout, RetryPolicy
from sailpoint_sim._config import (
    ClientSettings,
    config_file_kwargs,
    env_kwargs,
    redact_url,
    validate_api_version,
    validate_base_url,
    validate_layout,
    validate_timeout,
    validate_url,
)

from .helpers import SETTINGS_DEFAULTS

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


# -- URL rules, on the functions the clients and doctor call --------------------------------------------
def test_an_unparsable_url_is_never_quoted() -> None:
    # urlsplit cannot read it, so no part of it (the password here) can be told apart and shown.
    assert redact_url("https://user:pw@[::1/x") == "<unparsable URL>"
    with pytest.raises(ConfigurationError, match=r"^base_url is not a valid URL: '<unparsable URL>'$"):
        validate_url("https://user:pw@[::1/x", setting="base_url")


@pytest.mark.parametrize(
    "url", ["http://app.localhost:8080", "http://localhost", "http://[::1]", "http://127.0.0.9"]
)
def test_plain_http_to_a_loopback_host_is_accepted(url: str) -> None:
    assert validate_url(url, setting="base_url") == url


@pytest.mark.parametrize("url", ["http://localhost.example.com", "http://mylocalhost", "http://10.0.0.1"])
def test_plain_http_to_a_host_that_only_looks_local_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^token_url uses plain http:// for a non-loopback host"):
        validate_url(url, setting="token_url")


def test_the_plain_http_refusal_says_how_to_allow_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        validate_base_url("http://acme.example.com")
    assert str(caught.value) == (
        "base_url uses plain http:// for a non-loopback host (acme.example.com); use https, or pass "
        "allow_insecure_http=True if you really mean it"
    )


def test_validate_base_url_defaults_strip_the_v2025_segment() -> None:
    assert validate_base_url("https://acme.example.com/v2025/") == "https://acme.example.com"
    assert validate_base_url("https://acme.example.com/v2024") == "https://acme.example.com/v2024"


def test_a_non_ascii_host_idna_cannot_encode_gets_no_hint() -> None:
    host = "é" * 64 + ".com"  # a label over 63 characters: the idna codec refuses it
    with pytest.raises(
        ConfigurationError, match=r"^base_url has a host name that is not ASCII \('é+\.com'\)$"
    ):
        validate_url(f"https://{host}", setting="base_url")


def test_what_only_httpx_refuses_is_refused_with_its_reason_cut_to_80_characters() -> None:
    # urlsplit accepts an IPvFuture literal; httpx refuses it ("Invalid IPv6 address: '[v1.xxx...]'").
    literal = "[v1." + "x" * 100 + "]"
    reason = f"Invalid IPv6 address: {literal!r}"[:80]
    with pytest.raises(ConfigurationError) as caught:
        validate_url(f"https://{literal}/", setting="base_url")
    assert str(caught.value) == f"base_url is not a valid URL ({reason})"


# -- other settings: the refusal names the setting --------------------------------------------------------
def test_a_layout_value_is_read_ignoring_case_and_surrounding_space() -> None:
    assert validate_layout("  Per-Resource\n") is Layout.PER_RESOURCE
    assert validate_layout(" V2025 ") is Layout.V2025


def test_a_timeout_of_the_wrong_type_is_refused_by_type_name() -> None:
    with pytest.raises(
        ConfigurationError, match=r"^timeout must be an httpx\.Timeout, a number of seconds or None, got str$"
    ):
        validate_timeout("30")


@pytest.mark.parametrize(
    ("timeout", "shown"),
    [
        (httpx.Timeout(None, read=-1), "-1"),  # a part after an unset one is still checked
        (httpx.Timeout(5.0, connect=True), "True"),  # a bool is not a number of seconds
        (httpx.Timeout(5.0, pool=0), "0"),
    ],
)
def test_each_part_of_a_timeout_is_checked(timeout: httpx.Timeout, shown: str) -> None:
    with pytest.raises(
        ConfigurationError, match=rf"^timeout must be a finite number of seconds above 0, got {shown}$"
    ):
        validate_timeout(timeout)


def test_a_non_string_api_version_is_refused_by_name() -> None:
    with pytest.raises(
        ConfigurationError, match=r"^api_version must be one path segment such as 'v2025', got 5$"
    ):
        validate_api_version(5)


# -- config.json: reading it ------------------------------------------------------------------------------
def test_a_missing_config_file_is_refused_with_the_system_reason(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    with pytest.raises(ConfigurationError, match=r"^cannot read .*config\.json: No such file or directory$"):
        config_file_kwargs(path, {}, environ={})


def test_a_config_file_path_with_a_nul_is_a_configuration_error(tmp_path: Path) -> None:
    # open() refuses it with a bare ValueError ("embedded null byte"); the user gets ours, the path quoted.
    for path in (f"{tmp_path}/config\x00.json", tmp_path / "config\x00.json"):
        with pytest.raises(
            ConfigurationError,
            match=r"^cannot read '.*config\\x00\.json': a path cannot contain a NUL character$",
        ):
            config_file_kwargs(path, {}, environ={})


def test_a_config_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"BaseURL": "https://acme.example.com", "ClientId": "\xff"}')
    with pytest.raises(ConfigurationError, match=r"config\.json is not UTF-8 text$"):
        config_file_kwargs(path, {}, environ={})


def test_invalid_json_is_refused_with_json_s_reason_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{\n"BaseURL": }', encoding="utf-8")
    with pytest.raises(
        ConfigurationError, match=r"config\.json is not valid JSON \(Expecting value at line 2\)$"
    ):
        config_file_kwargs(path, {}, environ={})


def test_config_file_strips_the_default_version_segment(tmp_path: Path) -> None:
    kwargs = config_file_kwargs(_file(tmp_path, BaseURL=f"{ROOT}/v2025"), {}, environ={})
    assert kwargs["base_url"] == ROOT


@pytest.mark.parametrize("key", ["BaseURL", "ClientId", "ClientSecret"])
def test_a_blank_config_file_value_counts_as_unset(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{key} in config\.json is not set"):
        config_file_kwargs(_file(tmp_path, **{key: "  "}), {}, environ={})


def test_config_file_without_credentials_names_both_keys_and_the_token_argument(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"BaseURL": ROOT}), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        config_file_kwargs(path, {}, environ={})
    assert str(caught.value) == (
        "no credentials: set ClientId in settings.json and ClientSecret in settings.json "
        "(a personal access token), or access_token"
    )


# -- ClientSettings -----------------------------------------------------------------------------------------
def _settings(base_url: str = ROOT, **kwargs: Any) -> ClientSettings:
    given: dict[str, Any] = {
        "client_id": "id",
        "client_secret": "secret",
        "access_token": None,
        **SETTINGS_DEFAULTS,
        **kwargs,
    }
    return ClientSettings(
        base_url, given.pop("client_id"), given.pop("client_secret"), given.pop("access_token"), **given
    )


def test_allow_insecure_http_covers_the_derived_token_url() -> None:
    settings = _settings("http://sailpoint.internal", allow_insecure_http=True)
    assert settings.token_url == "http://sailpoint.internal/oauth/token"


def test_a_static_token_needs_no_token_url() -> None:
    settings = _settings(client_id=None, client_secret=None, access_token="tok")
    assert settings.token_url is None


def test_retry_and_max_retries_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"^give retry= or max_retries=, not both$"):
        _settings(retry=RetryPolicy(), max_retries=2)


@pytest.mark.parametrize("user_agent", ["bad\nagent", "agént", 5])
def test_a_user_agent_that_cannot_go_in_a_header_is_refused(user_agent: object) -> None:
    with pytest.raises(ConfigurationError, match=r"^user_agent must be a printable ASCII string$"):
        _settings(user_agent=user_agent)


def test_a_printable_ascii_user_agent_is_kept() -> None:
    assert _settings(user_agent="acme-sync/1.0 (ops)").user_agent == "acme-sync/1.0 (ops)"


def test_only_slashes_are_stripped_from_the_end_of_a_base_url() -> None:
    assert validate_base_url("https://gw.example.com/IDX//") == "https://gw.example.com/IDX"


def test_a_per_resource_layout_with_another_api_version_is_refused_saying_why() -> None:
    with pytest.raises(ConfigurationError) as caught:
        _settings(layout="per-resource", api_version="v2024")
    assert str(caught.value) == (
        "api_version 'v2024' applies only to layout 'v2025'; the per-resource layout has its own version "
        "in the path (/sim-integrations/v1)"
    )


def test_a_bad_token_url_is_refused_by_its_name() -> None:
    with pytest.raises(ConfigurationError, match=r"^token_url is not an absolute https URL"):
        _settings(token_url="/oauth/token")


def test_a_retry_that_is_not_a_policy_is_refused_by_type_name() -> None:
    with pytest.raises(ConfigurationError, match=r"^retry must be a RetryPolicy, got int$"):
        _settings(retry=3)


@pytest.mark.parametrize("key", ["client_id", "client_secret"])
def test_a_blank_credential_is_refused_by_name(key: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{key} must be a non-empty string$"):
        _settings(**{key: " "})
