"""The fake's one dependency beyond the client's, ``jsonpatch``, and the hint when it is missing.

Required by the modules that need it (``_operations``), not by the package itself, so that the package,
its server options and its pytest plugin import without it; the hint comes when the fake itself is
first imported.
"""

from __future__ import annotations

from pathlib import Path

# The marker scripts/vendor.py writes at the top of a vendored copy.
_VENDORED_MARKER = "VENDORED.md"


class MissingExtraError(ImportError):
    """The fake service's dependency is not installed; the message says how to install it."""


def hint(package_dir: Path | None = None) -> str:
    """One line saying what to install, fitted to how the package in ``package_dir`` (this one by
    default) was installed: a vendored copy has no extras to install."""
    package = __name__.rpartition(".")[0].rpartition(".")[0]
    if ((package_dir or Path(__file__).resolve().parent.parent) / _VENDORED_MARKER).is_file():
        return (
            f"the fake service ({package}.testing) needs jsonpatch, which vendoring does not install: "
            "pip install 'jsonpatch>=1.33'"
        )
    return (
        "the fake service needs the 'testing' extra: pip install '/path/to/sailpoint-sim[testing]' "
        "(your clone or wheel; make venv includes it)"
    )


def require() -> None:
    """Raise :class:`MissingExtraError` (one line, no chained traceback) unless jsonpatch is installed."""
    try:
        import jsonpatch  # noqa: F401
        import jsonpointer  # noqa: F401
    except ImportError:
        raise MissingExtraError(hint()) from None
