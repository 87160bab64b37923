"""Whatever the command line, stdin or the server's answer, the tool exits with a code from its table,
prints no traceback, keeps stdout valid JSON and lets no control sequence reach the terminal
(issue 10, defects 8 and 12)."""

from __future__ import annotations

import argparse
import io
import json
import re
from urllib.parse import quote

import pytest

from sailpoint_sim._cli import EXIT_OK, EXIT_USAGE, _main
from sailpoint_sim._cli._command import Command, Context
from sailpoint_sim._cli._exit import UsageError
from sailpoint_sim._cli._output import TerminalStream
from sailpoint_sim.testing import FakeSimService

from .support import Cli

NAME = "Quarterly\x1b[2J\x1b]0;pwned\x07 \x9b31m\u202eSIM\ud800"
# One integration as a server could send it: ESC/OSC/CSI sequences and a lone surrogate in the name
# (JSON escapes), numbers Python reads but JSON lacks.
HOSTILE = (
    '{"id": "2c91", "name": "Quarterly\\u001b[2J\\u001b]0;pwned\\u0007 \\u009b31m\\u202eSIM\\ud800",'
    ' "type": "ServiceNowSDIM", "attributes": {"big": 1e999, "small": -1e999, "odd": NaN}}'
)


def strict_json(text: str) -> object:
    """Parse as RFC 8259 JSON: Python's NaN/Infinity extensions are refused."""

    def refuse(name: str) -> object:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("value", ["-1", "nan", "0", "inf", "-inf", "0.0", "soon"])
def test_a_timeout_that_cannot_work_is_a_usage_error(cli: Cli, env: None, value: str) -> None:
    result = cli("--timeout", value, "list")
    assert result.code == EXIT_USAGE, result.err
    assert "--timeout" in result.err
    assert "Traceback" not in result.err and "in progress" not in result.err


def test_a_negative_retry_count_is_a_usage_error(cli: Cli, env: None) -> None:
    result = cli("--max-retries", "-1", "list")
    assert result.code == EXIT_USAGE
    assert "--max-retries" in result.err and "0 or more" in result.err


@pytest.mark.parametrize(
    "url", ["https://\u2603.net", "https://\uff41cme.example.com", "https://a\x00b.example"]
)
def test_an_unusable_base_url_exits_2_or_4_without_a_traceback(cli: Cli, env: None, url: str) -> None:
    # Refused as a setting (2), or, once the host is encoded to ASCII, failing to connect (4).
    result = cli("--base-url", url, "--max-retries", "0", "--timeout", "2", "list")
    assert result.code in (EXIT_USAGE, 4), result.err
    assert result.err.startswith("error: ") and result.err.count("\n") == 1


def test_deeply_nested_stdin_is_a_usage_error(cli: Cli, env: None, fake: FakeSimService) -> None:
    result = cli("create", "-", stdin="[" * 100_000)
    assert result.code == EXIT_USAGE
    assert "nested too deeply" in result.err
    assert fake.requests == []


def test_deeply_nested_patch_value_is_a_usage_error(cli: Cli, env: None, fake: FakeSimService) -> None:
    result = cli("patch", "x", "--replace", "/a=" + "[" * 100_000)
    assert result.code == EXIT_USAGE
    assert fake.requests == []


def test_create_without_a_name_speaks_of_the_file(cli: Cli, env: None, fake: FakeSimService) -> None:
    result = cli("create", "-", stdin='{"description": "no name"}')
    assert result.code == EXIT_USAGE
    assert result.err == (
        'error: the integration file stdin has no "name" field; the API requires one '
        '(add "name": "..." to the JSON object; null is accepted)\n'
    )
    assert "details" not in result.err
    assert fake.requests == []


@pytest.mark.parametrize("argv", [["list"], ["get", "2c91"]])
def test_hostile_server_content_is_printed_as_valid_json(
    cli: Cli, env: None, fake: FakeSimService, argv: list[str]
) -> None:
    body = f"[{HOSTILE}]" if argv == ["list"] else HOSTILE
    operation = "getSIMIntegrations" if argv == ["list"] else "getSIMIntegration"
    fake.inject(status=200, body=body.encode(), content_type="application/json", operation=operation)
    result = cli(*argv)
    assert result.code == EXIT_OK, result.err
    document = strict_json(result.out)
    item = document[0] if isinstance(document, list) else document
    assert isinstance(item, dict)
    assert item["name"] == NAME  # the same string, escapes and all
    assert item["attributes"] == {"big": float("inf"), "small": float("-inf"), "odd": None}
    assert "\x1b" not in result.out and "\x9b" not in result.out
    result.out.encode("utf-8")  # no lone surrogate left to fail on a UTF-8 terminal


def test_table_escapes_control_characters(cli: Cli, env: None, fake: FakeSimService) -> None:
    fake.inject(
        status=200,
        body=f"[{HOSTILE}]".encode(),
        content_type="application/json",
        operation="getSIMIntegrations",
    )
    result = cli("list", "--table")
    assert result.code == EXIT_OK, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out and "\x9b" not in result.out
    assert "\u202e" not in result.out
    assert "Quarterly\\x1b[2J\\x1b]0;pwned\\x07 \\x9b31m\\u202eSIM\\ud800" in result.out
    result.out.encode("utf-8")


def test_error_lines_escape_control_characters(cli: Cli, env: None, fake: FakeSimService) -> None:
    fake.inject(
        status=400,
        body=b'{"messages": [{"text": "bad\\u001b[31m input\\ud800"}], "trackingId": "t\\u001b1"}',
        content_type="application/json",
        operation="getSIMIntegrations",
    )
    result = cli("list", "--max-retries", "0")
    assert result.code == 3
    assert "\x1b" not in result.err
    assert result.err.count("\n") == 1
    result.err.encode("utf-8")


def test_every_command_writes_through_streams_that_escape_and_always_encode(
    cli: Cli, no_sail_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A command that writes server text as it is, the way a new command might (export's file list,
    # doctor's report): the streams main() hands it still keep the promises, and JSON stays JSON.
    def careless(args: argparse.Namespace, ctx: Context) -> int:
        ctx.out.write(json.dumps({"name": NAME + " caf\u00e9 \U0001f600"}, ensure_ascii=False) + "\n")
        ctx.err.write(f"note: {NAME}\n")
        return EXIT_OK

    monkeypatch.setattr(_main, "COMMANDS", (Command("careless", "Writes raw text.", careless),))
    result = cli("careless")
    assert result.code == EXIT_OK, result.err
    assert strict_json(result.out) == {"name": NAME + " caf\u00e9 \U0001f600"}
    for text in (result.out, result.err):
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", text)
        text.encode("utf-8")


def test_a_stream_that_cannot_encode_gets_json_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    stream = TerminalStream(raw)
    stream.write(json.dumps({"name": "caf\u00e9 \U0001f600"}, ensure_ascii=False))
    raw.flush()
    text = raw.buffer.getvalue().decode("ascii")
    assert text == '{"name": "caf\\u00e9 \\ud83d\\ude00"}'
    assert json.loads(text) == {"name": "caf\u00e9 \U0001f600"}


def test_error_lines_mask_secrets_in_every_form_with_the_projects_mask(
    cli: Cli, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI's second line of defence is the project's one redactor: raw, JSON-escaped and
    # percent-encoded forms of the secrets of this run, all masked as ***.
    secret = 's\u00e9"cr3t/with+special chars'
    monkeypatch.setenv("SAIL_CLIENT_SECRET", secret)
    escaped = json.dumps(secret)[1:-1].replace("/", "\\/")  # s\u00e9\"cr3t\/with...
    assert secret not in escaped

    def leaky(args: argparse.Namespace, ctx: Context) -> int:
        raise UsageError(f"raw {secret} json {escaped} url {quote(secret, safe='')}")

    monkeypatch.setattr(_main, "COMMANDS", (Command("leaky", "Quotes a secret.", leaky),))
    result = cli("leaky")
    assert result.code == EXIT_USAGE
    assert result.err == "error: raw *** json *** url ***\n"


def test_a_short_secret_does_not_garble_messages(
    cli: Cli, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A one-letter secret masked everywhere turned "base_url" into "***ase_url".
    monkeypatch.setenv("SAIL_CLIENT_SECRET", "b")

    def refusing(args: argparse.Namespace, ctx: Context) -> int:
        raise UsageError("base_url has a host name that is not ASCII")

    monkeypatch.setattr(_main, "COMMANDS", (Command("refusing", "Refuses a setting.", refusing),))
    result = cli("refusing")
    assert result.code == EXIT_USAGE
    assert result.err == "error: base_url has a host name that is not ASCII\n"
