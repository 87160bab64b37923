"""Property tests of the whole tool: for any command line, stdin or server answer, the exit code is one
of the table's (never 1, a bug), no traceback is printed, stdout is RFC 8259 JSON when it is JSON, and
no raw control character reaches the terminal (issue 10, defects 8 and 12).

The tool runs in process against the fake on loopback; the server's answer is a fault the fake sends
for the next matching request, so each example is one real HTTP exchange.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sailpoint_sim._cli import EXIT_API_ERROR, EXIT_OK, EXIT_TRANSPORT_ERROR, EXIT_USAGE
from sailpoint_sim.testing import FakeServer, FakeSimService

from .support import Cli, Run

TABLE_CODES = {EXIT_OK, EXIT_USAGE, EXIT_API_ERROR, EXIT_TRANSPORT_ERROR}
# What a terminal would act on: C0 controls other than newline, DEL, C1 controls.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def check(result: Run, *, json_out: bool) -> None:
    assert result.code in TABLE_CODES, (result.code, result.err)
    assert "Traceback" not in result.err
    for text in (result.out, result.err):
        assert not RAW_CONTROL.search(text), text
        text.encode("utf-8")  # no lone surrogate
    if result.code == EXIT_OK and json_out and result.out:
        json.loads(result.out, parse_constant=refuse_constant)
    if result.code != EXIT_OK:
        assert result.out == ""
        assert result.err.count("error:") == 1


# --------------------------------------------------------------------------- server answers

# Text a server may send: any code point, lone surrogates included, with terminal controls made likely.
HOSTILE_CHARS = ["\x1b", "\x9b", "\x07", "\x00", "\x7f", "\n", "\u202e", "\ud800", "\udfff", "\u2028"]
hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(exclude_categories=())), max_size=10
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=12,
)
integration_like = st.fixed_dictionaries(
    {"name": json_values},
    optional={
        "id": json_values,
        "type": json_values,
        "modified": json_values,
        "created": json_values,
        "attributes": json_values,
        "beforeProvisioningRule": json_values,
        "sources": json_values,
    },
)
special_json = st.sampled_from(
    [
        "1e999",
        "NaN",
        "-Infinity",
        '{"name": "\\ud800\\u001b[31m", "attributes": {"x": 1e999}}',
        '[{"name": "a\\u009b2J", "modified": "not a date"}]',
        "[" * 5000 + "]" * 5000,
        '{"name": ' + "[" * 990 + "]" * 990 + "}",
        "",
        "{",
        '{"name": "x"} trailing',
    ]
)
bodies = st.one_of(
    st.binary(max_size=64),
    special_json.map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    integration_like.map(lambda v: json.dumps(v).encode()),
    st.lists(integration_like, max_size=3).map(lambda v: json.dumps(v).encode()),
)
COMMANDS = {
    "getSIMIntegrations": (["list"], True),
    "getSIMIntegrations ": (["list", "--table"], False),
    "getSIMIntegration": (["get", "2c91"], True),
    "deleteSIMIntegration": (["delete", "2c91"], True),
    "createSIMIntegration": (["create", "-"], True),
    "patchSIMAttributes": (["patch", "2c91", "--replace", "/description=x"], True),
    "token": (["get", "2c91"], True),
}


@FUZZ
@given(
    which=st.sampled_from(sorted(COMMANDS)),
    status=st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503]),
    body=bodies,
    content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/html", ""]),
)
def test_any_server_answer_exits_with_a_table_code(
    cli: Cli, env: None, fake: FakeSimService, which: str, status: int, body: bytes, content_type: str
) -> None:
    fake.clear_faults()
    argv, json_out = COMMANDS[which]
    fake.inject(status=status, body=body, content_type=content_type or None, operation=which.strip())
    result = cli("--max-retries", "0", *argv, stdin='{"name": "fuzz"}')
    check(result, json_out=json_out)


SUCCESS_COMMANDS = {
    "getSIMIntegrations": (["list"], True, True),
    "getSIMIntegrations ": (["list", "--table"], False, True),
    "getSIMIntegration": (["get", "2c91"], True, False),
    "createSIMIntegration": (["create", "-"], True, False),
    "putSIMIntegration": (["update", "2c91", "-"], True, False),
    "patchSIMAttributes": (["patch", "2c91", "--replace", "/description=x"], True, False),
}


@FUZZ
@given(
    which=st.sampled_from(sorted(SUCCESS_COMMANDS)),
    status=st.sampled_from([200, 201]),
    document=integration_like,
    more=st.lists(integration_like, max_size=2),
)
def test_any_successful_answer_prints_json_or_a_safe_table(
    cli: Cli, env: None, fake: FakeSimService, which: str, status: int, document: Any, more: list[Any]
) -> None:
    # Answers that parse as integrations, with any text and any number in them: the defects of printing.
    fake.clear_faults()
    argv, json_out, is_list = SUCCESS_COMMANDS[which]
    body = json.dumps([document, *more] if is_list else document).encode()
    fake.inject(status=status, body=body, content_type="application/json", operation=which.strip())
    result = cli("--max-retries", "0", *argv, stdin='{"name": "fuzz"}')
    check(result, json_out=json_out)


# --------------------------------------------------------------------------- command lines and stdin

WORDS = [
    "list", "get", "create", "update", "patch", "patch-rule", "delete", "--table", "--help", "-v", "-vv",
    "--base-url", "--client-id", "--client-secret", "--access-token", "--api-version", "--timeout",
    "--max-retries", "--allow-insecure-http", "--file", "--add", "--replace", "--remove", "--move",
    "--copy", "--test", "--patch-format", "operations", "rfc6902", "-", "=", "/a=1", "/name=x", "/a",
    "", "0", "-1", "nan", "1e999", "2c91", ".", "..", "%2F", "\x00", "\x1b[31m", "\ud800", "v2025",
    "http://127.0.0.1:1", "not a url", "--client_secret", "--secret", "-client-secret",
]  # fmt: skip
tokens = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
stdin_texts = st.one_of(
    st.text(max_size=40),
    special_json,
    json_values.map(json.dumps),
    integration_like.map(json.dumps),
    st.just("[" * 100_000),
)


@FUZZ
@given(argv=st.lists(tokens, max_size=8), stdin=stdin_texts)
def test_any_command_line_exits_with_a_table_code(
    cli: Cli, env: None, server: FakeServer, argv: list[str], stdin: str
) -> None:
    if "--help" in argv:  # help pages are text, and exit 0: checked by the help tests
        return
    result = cli("--max-retries", "0", *argv, stdin=stdin)
    json_out = "--table" not in argv and not any(a.startswith("-v") for a in argv)
    check(result, json_out=json_out)


@pytest.mark.parametrize("command", ["list", "get", "create", "update", "patch", "patch-rule", "delete"])
def test_every_command_is_in_the_fuzzed_vocabulary(command: str) -> None:
    assert command in WORDS
