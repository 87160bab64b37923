"""The one redactor: removes secrets (client secret, tokens) from text, bytes, header maps and log records.

A secret is masked as ``***`` in every form a server, a proxy or a log line may quote it in:

- raw (``abc/def``), and inside a Python ``repr`` of bytes (httpcore logs raw headers that way);
- JSON-escaped, with any mix of ``\\/``, ``\\uXXXX`` (either case, surrogate pairs included) and the short
  escapes (``\\"``, ``\\\\``, ``\\n``...), and with the backslashes doubled once more by a ``repr`` or a
  second JSON encoding (for a secret that itself holds a backslash, one level of escaping only);
- percent-encoded, any byte as ``%XX`` in either case, and a space as ``+`` (form encoding).

The text is decoded once (every escape to its character, remembering where each came from) and each
secret is searched in the decoded text, so mixed encodings are caught too, at the cost of one pass over
the text; text with no backslash and no ``%`` takes a plain substring search.

``install_log_filter`` makes "secrets never appear in logs" hold for httpx's and httpcore's DEBUG records
as well: a filter on their loggers (and ours) scrubs the secrets of every live client. Clients register
their auth objects with :func:`register`; a source is forgotten when it is garbage-collected.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from typing import Final, Protocol

__all__ = [
    "MASK",
    "SecretSource",
    "install_log_filter",
    "live_secrets",
    "redact_bytes",
    "redact_headers",
    "redact_text",
    "register",
]

MASK: Final = "***"

# Every logger that may quote a request or response: httpx's client, httpcore's connection layers (their
# trace records carry raw response headers) and ours. A filter on a logger sees only the records logged on
# that logger itself, not its children's, hence each name.
LOGGER_NAMES: Final = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# The escapes a server may write a secret's characters as: \uXXXX, a short JSON escape, or a run of
# percent-encoded bytes. STRICT reads one level of JSON (``\\`` is one backslash); LOOSE takes any run of
# backslashes as the start of one escape, as a repr or a second JSON encoding leaves it (``\\/``,
# ``\\\"``). Both are searched: neither reading alone finds every form.
_STRICT: Final = re.compile(r'\\u([0-9a-fA-F]{4})|\\([/"\\bfnrt])|((?:%[0-9a-fA-F]{2})+)')
_LOOSE: Final = re.compile(r'\\+u([0-9a-fA-F]{4})|\\+([/"bfnrt])|((?:%[0-9a-fA-F]{2})+)')
_SHORT: Final = {"/": "/", '"': '"', "\\": "\\", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _utf8_length(lead: int) -> int:
    """How many bytes the UTF-8 sequence starting with ``lead`` has (1 for a byte that starts none)."""
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    # 0xC0 and 0xC1 start only overlong forms, which are never valid: one byte, like a stray one.
    return 2 if lead >= 0xC2 else 1


class _Decoded:
    """``text`` with every escape decoded, and the way back from decoded positions to ``text``'s.

    ``value`` is made of pieces: runs of literal text, and single characters decoded from one escape
    (a surrogate pair of ``\\u`` escapes, or a whole UTF-8 sequence of ``%XX`` bytes, is one). So every
    position between two decoded characters is a position between two pieces' characters in ``text`` too.
    """

    __slots__ = ("canon_starts", "orig_starts", "value")

    def __init__(self, text: str, escape: re.Pattern[str]) -> None:
        pieces: list[str] = []
        self.canon_starts: list[int] = []
        self.orig_starts: list[int] = []
        canon = 0
        orig = 0

        def add(value: str, orig_start: int) -> None:
            nonlocal canon
            pieces.append(value)
            self.canon_starts.append(canon)
            self.orig_starts.append(orig_start)
            canon += len(value)

        matches = list(escape.finditer(text))
        index = 0
        while index < len(matches):
            match = matches[index]
            # The literal text before the escape; empty when escapes touch (a position found there
            # belongs to the escape's piece, which starts at the same place).
            add(text[orig : match.start()], orig)
            if match.group(1) is not None:
                unit = int(match.group(1), 16)
                following = matches[index + 1] if index + 1 < len(matches) else None
                if (
                    0xD800 <= unit < 0xDC00
                    and following is not None
                    and following.start() == match.end()
                    and following.group(1) is not None
                    and 0xDC00 <= int(following.group(1), 16) < 0xE000
                ):
                    low = int(following.group(1), 16)
                    add(chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)), match.start())
                    index += 1
                    orig = following.end()
                else:
                    add(chr(unit), match.start())
                    orig = match.end()
            elif match.group(2) is not None:
                add(_SHORT[match.group(2)], match.start())
                orig = match.end()
            else:
                raw = bytes.fromhex(match.group(3).replace("%", ""))
                at = 0
                while at < len(raw):
                    size = _utf8_length(raw[at])
                    try:
                        char = raw[at : at + size].decode(
                            "utf-8"  # pragma: no mutate - codec names ignore case: "UTF-8" is this codec
                        )
                    except UnicodeDecodeError:
                        size = 1
                        char = raw[at : at + 1].decode(
                            "utf-8",  # pragma: no mutate - codec names ignore case: "UTF-8" is this codec
                            "surrogateescape",
                        )
                    add(char, match.start() + 3 * at)
                    at += size
                orig = match.end()
            index += 1
        # The literal rest, even when empty: the end of ``value`` then falls in it, at the end of ``text``.
        add(text[orig:], orig)
        self.value = "".join(pieces)

    def original(self, position: int) -> int:
        """The position in ``text`` of a position in ``value`` (a match's start or its end)."""
        piece = bisect.bisect_right(self.canon_starts, position) - 1
        # A decoded character's piece is one character long: a position in it is its start.
        return self.orig_starts[piece] + position - self.canon_starts[piece]


def _spans(haystack: str, needles: list[str]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        at = haystack.find(needle)
        while at != -1:
            spans.append((at, at + len(needle)))
            at = haystack.find(needle, at + len(needle))
    return spans


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    last = 0
    for start, stop in sorted(spans):
        if stop <= last:
            continue
        start = max(start, last)
        out.append(text[last:start])
        out.append(MASK)
        last = stop
    out.append(text[last:])
    return "".join(out)


def _needles(secrets: Iterable[str]) -> list[str]:
    needles: set[str] = set()
    for secret in secrets:
        if isinstance(secret, str) and secret:
            needles.add(secret)
            if " " in secret:
                needles.add(secret.replace(" ", "+"))  # form encoding writes a space as "+"
    return list(needles)  # in any order: every span of every needle is found, then sorted


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret, in any of its encoded forms, replaced by ``***``."""
    needles = _needles(secrets)
    if not needles:
        return text
    # The raw forms; with no escape in the text, only they can be there. (A secret holding "%41" or
    # "\\n" is not in the decoded text as it was written, so they are searched in any case.)
    spans = _spans(text, needles)
    if "\\" not in text and "%" not in text:
        return _mask_spans(text, spans)
    # Without a double backslash, LOOSE reads a text exactly as STRICT does: running it too is only slower.
    escapes = (_STRICT, _LOOSE) if "\\\\" in text else (_STRICT,)  # pragma: no mutate - only faster (above)
    for escape in escapes:
        decoded = _Decoded(text, escape)
        spans += [
            (decoded.original(start), decoded.original(stop))
            for start, stop in _spans(decoded.value, needles)
        ]
    return _mask_spans(text, spans)


def redact_bytes(content: bytes, secrets: Iterable[str]) -> bytes:
    """``content`` with each secret, in any of its encoded forms, replaced by ``***``.

    Bytes that are not UTF-8 are kept exactly (they round-trip through ``surrogateescape``).
    """
    text = content.decode(
        "utf-8",  # pragma: no mutate - codec names ignore case: "UTF-8" is this codec
        "surrogateescape",
    )
    return redact_text(text, secrets).encode(
        "utf-8",  # pragma: no mutate - codec names ignore case: "UTF-8" is this codec
        "surrogateescape",
    )


def redact_headers(
    headers: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[str]
) -> dict[str, str]:
    """A plain dict of the headers with each secret masked in every value (and name)."""
    needles = list(secrets)
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {redact_text(str(key), needles): redact_text(str(value), needles) for key, value in items}


# -- secrets of live clients, and the log filter ---------------------------------------------------------


class SecretSource(Protocol):
    """Anything that can say which secrets it holds now (the clients' auth objects)."""

    def secret_values(self) -> tuple[str, ...]: ...


# The log filter sees every record of every client in the process, so it leaves secrets shorter than this
# alone: masking a 3-letter "token" would mask that word in every log line (SailPoint's tokens are JWTs
# of hundreds of characters, client secrets 64). Errors, which know their own client, mask any length.
LOG_FILTER_MIN_LENGTH: Final = 8

_SOURCES: weakref.WeakSet[SecretSource] = weakref.WeakSet()
# Re-entrant: a garbage collection while the registry is read may finalize an abandoned response
# stream, whose close logs through the filter in this same thread (a plain Lock deadlocked there).
_LOCK = threading.RLock()
_installed = False


def register(source: SecretSource) -> None:
    """Have the log filter scrub ``source``'s secrets for as long as it is alive."""
    with _LOCK:
        _SOURCES.add(source)


def live_secrets() -> list[str]:
    """The secrets (of at least LOG_FILTER_MIN_LENGTH characters) every registered, live source holds now."""
    with _LOCK:
        sources = list(_SOURCES)
    secrets: list[str] = []
    for source in sources:
        try:
            secrets.extend(s for s in source.secret_values() if len(s) >= LOG_FILTER_MIN_LENGTH)
        except Exception:  # a log filter must never break logging
            continue
    return secrets


class SecretLogFilter(logging.Filter):
    """Rewrites a record's message with the secrets of live clients masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = live_secrets()
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return True
        scrubbed = redact_text(message, secrets)
        if scrubbed != message:
            record.msg = scrubbed
            record.args = None
        return True


def install_log_filter(package_logger: logging.Logger) -> None:
    """Attach the filter to httpx's, httpcore's and ``package_logger`` (once per process)."""
    global _installed
    with _LOCK:
        if _installed:
            return
        _installed = True
    log_filter = SecretLogFilter()
    for name in (*LOGGER_NAMES, package_logger.name):
        logging.getLogger(name).addFilter(log_filter)
