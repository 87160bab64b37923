"""``doctor``: check a setup without writing anything, and print what was found (``--json`` for tickets).

The checks live in the library (``sailpoint_sim._doctor``); this module only turns its flags into the
library's arguments and its report into text. The exit code is the report's: 0 when the setup can list
integrations, 2 for configuration, 3 when the service refuses, 4 for transport failures.
"""

from __future__ import annotations

import argparse
import json

from .._doctor import DoctorReport, LayoutProbe, run_doctor
from ._command import Command, Context
from ._parser import PROG

__all__ = ["COMMANDS", "format_report"]

_FLAGS = ("base_url", "client_id", "client_secret", "access_token", "api_version", "layout", "timeout")

EPILOG = """\
doctor:
  Checks, in order: where each setting came from (secrets shown as ***), whether the host resolves,
  accepts a connection and (https) passes TLS verification, the token exchange, the scopes in the
  token's claims, which path layout answers a list call, whether X-SailPoint-Experimental is required,
  the clock skew from the Date header, and any rate-limit headers. It sends only the token request and
  GETs of the SIM list endpoints: nothing is written to the tenant. Exit 0 when the setup can list
  integrations; otherwise the code below and the reason on stderr.
"""


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON (for tickets and scripts)"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="read the base URL and credentials from SailPoint's config.json, as from_config_file does",
    )


def _run(args: argparse.Namespace, ctx: Context) -> int:
    flags = {name: getattr(args, name, None) for name in _FLAGS}
    flags["allow_insecure_http"] = getattr(args, "allow_insecure_http", False)
    report = run_doctor(flags=flags, config_file=args.config)
    if args.json:
        ctx.out.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        ctx.out.write(format_report(report))
    if report.reason is not None:
        ctx.err.write(f"error: {report.reason}\n")
    return report.exit_code


def format_report(report: DoctorReport) -> str:
    """The report as text: the settings and their sources, one line per check, then the verdict."""
    data = report.to_dict()
    lines = [f"{PROG} doctor {data['version']}", "", "settings"]
    name_width = max(len(setting.name) for setting in report.settings) if report.settings else 0
    value_width = max((len(setting.value or "-") for setting in report.settings), default=0)
    for setting in report.settings:
        value = setting.value or "-"
        lines.append(f"  {setting.name:<{name_width}}  {value:<{value_width}}  {setting.source}")
    lines += ["", "checks"]
    check_width = max(len(check.name) for check in report.checks)
    for check in report.checks:
        lines.append(f"  {check.status:<7}  {check.name:<{check_width}}  {check.summary}")
        indent = " " * (2 + 7 + 2 + check_width + 2)
        for note in check.details.get("notes") or ():
            lines.append(f"{indent}note: {note}")
        for probe in report.layouts if check.name == "layouts" else ():
            lines.append(f"{indent}{_probe_line(probe)}")
    lines.append("")
    if report.ok:
        lines.append("result: ok, the setup can list SIM integrations (exit 0)")
    else:
        lines.append(f"result: FAILED (exit {report.exit_code}): {report.reason}")
    return "\n".join(lines) + "\n"


def _probe_line(probe: LayoutProbe) -> str:
    answer = str(probe.status) if probe.status is not None else "no answer"
    text = f"{probe.layout:<12}  GET {probe.path:<24}  {answer:>9}  {probe.seconds * 1000:5.0f} ms"
    if probe.count is not None:
        text += f"  {probe.count} integration{'' if probe.count == 1 else 's'}"
    return text + (f"  {probe.message or probe.error}" if (probe.message or probe.error) else "")


COMMANDS = (
    Command(
        "doctor",
        "Check the setup (settings, host, TLS, token, scopes, layouts, clock, rate limits) without "
        "writing anything; --json for tickets.",
        _run,
        _arguments,
        epilog=EPILOG,
    ),
)
