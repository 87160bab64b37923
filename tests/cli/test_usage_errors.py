"""Usage errors name the option and never quote a value from the command line (issue 10, defect 2).

A secret typed after a misspelt flag, or pasted where a command or a number belongs, is exactly the value
argparse would quote ("invalid choice: '...'"): the parser's messages are built without values, whatever
the spelling, so no list of secret-flag spellings has to be complete.
"""

from __future__ import annotations

import pytest

from sailpoint_sim._cli import EXIT_USAGE

from .support import Cli

VALUE = "Zq9vK2-pasted-value-4711"


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--client_secret", VALUE, "list"], None),
        (["--client_secret=" + VALUE, "list"], "--client_secret"),
        (["--clientsecret", VALUE, "list"], None),
        (["-client-secret", VALUE, "list"], None),
        (["--secret", VALUE, "list"], None),
        (["list", "--secret", VALUE], "--secret"),
        (["list", "--client_secret=" + VALUE], "--client_secret"),
        (["list", "-client-secret", VALUE], "-client-secret"),
        ([VALUE], "COMMAND"),  # pasted where the command belongs
        (["list", VALUE], None),
        (["get", "an-id", VALUE], None),
        (["list", "--timeout", VALUE], "--timeout"),
        (["--max-retries=" + VALUE, "list"], "--max-retries"),
        (["patch", "x", "--patch-format", VALUE], "--patch-format"),
        (["--verbose=" + VALUE, "list"], "--verbose"),
        (["-v" + VALUE, "list"], "-v"),
        (["--client-s", VALUE, "list"], None),  # abbreviations are refused too
        (["--acces-token=" + VALUE], "--acces-token"),
    ],
)
def test_no_usage_error_quotes_a_value(
    cli: Cli, no_sail_env: None, argv: list[str], named: str | None
) -> None:
    result = cli(*argv)
    assert result.code == EXIT_USAGE
    assert result.out == ""
    assert VALUE not in result.err
    # Not even a part of it (argparse would quote a value, or the part of `-vVALUE` after the flag).
    assert VALUE[2:] not in result.err
    assert "error:" in result.err
    if named is not None:
        assert named in result.err


def test_unknown_options_are_named_even_when_the_value_is_taken_for_the_command(
    cli: Cli, no_sail_env: None
) -> None:
    result = cli("--clientsecret", VALUE, "list")
    assert result.code == EXIT_USAGE
    assert "--clientsecret" in result.err and VALUE not in result.err


def test_a_bad_choice_still_lists_the_choices(cli: Cli, no_sail_env: None) -> None:
    result = cli("patch", "x", "--patch-format", "xml")
    assert "invalid choice" in result.err
    assert "operations" in result.err and "rfc6902" in result.err
    assert "'xml'" not in result.err
