"""Redaction found untested by mutation testing (issue 15): exact spans, odd escapes, the log filter."""

from __future__ import annotations

import gc
import json
import logging
import sys
import threading
import types
import weakref
from typing import Any

import pytest

from sailpoint_sim import SimIntegrationsClient, _redact
from sailpoint_sim._redact import (
    LOG_FILTER_MIN_LENGTH,
    LOGGER_NAMES,
    MASK,
    SecretLogFilter,
    install_log_filter,
    live_secrets,
    redact_bytes,
    redact_text,
    register,
)

from .helpers import BASE, STATIC_TOKEN


def _percent_encoded(text: str) -> str:
    """Every byte of ``text``'s UTF-8 as %XX (what a proxy's log or a query string may show)."""
    return "".join(f"%{byte:02X}" for byte in text.encode("utf-8"))


# -- exact spans: what is masked, and nothing next to it ------------------------------------------------
@pytest.mark.parametrize(
    "secret",
    ["ab", "\u00a9x", "\u00e9t\u00e9", "\u0800\u0905", "\u20ac5", "\U00010000", "\U0001f4a5", "\U0010ffff"],
    ids=["ascii", "c2-lead", "c3-lead", "e0-lead", "e2-lead", "f0-lead-first", "f0-lead", "f4-lead-last"],
)
def test_a_percent_encoded_secret_inside_encoded_neighbours_is_masked_alone(secret: str) -> None:
    # One run of %XX bytes: the secret's characters of 1 to 4 bytes each, between encoded neighbours.
    text = f"q=%21{_percent_encoded(secret)}%21&r=%E2%82%AC"
    assert redact_text(text, [secret]) == f"q=%21{MASK}%21&r=%E2%82%AC"


def test_bytes_that_are_not_utf8_around_an_encoded_secret_are_kept() -> None:
    secret = "s\u00e9cret"
    text = f"%FF{_percent_encoded(secret)}%C3%28%80%C3"
    assert redact_text(text, [secret]) == f"%FF{MASK}%C3%28%80%C3"
    assert redact_text("%FF%FE%ED%A0%80 x", [secret]) == "%FF%FE%ED%A0%80 x"


@pytest.mark.parametrize(
    "secret",
    ["\U00010000", "\U0010ffff", "\U0001f4a5\n!", "a\U00010000\U0010ffffb"],
    ids=["first-pair", "last-pair", "pair-then-ascii", "pairs-inside"],
)
def test_a_json_escaped_surrogate_pair_is_one_character(secret: str) -> None:
    escaped = json.dumps(secret)[1:-1]  # \\ud800\\udc00 ...
    assert "\\ud" in escaped
    text = f'{{"t": "\\u0041{escaped}\\n"}}'
    assert redact_text(text, [secret]) == f'{{"t": "\\u0041{MASK}\\n"}}'


def test_a_secret_with_bytes_that_are_not_utf8_is_masked_exactly() -> None:
    # A secret read from a non-UTF-8 environment holds surrogate escapes; a server quotes its raw bytes.
    secret = b"ab\xffcd".decode("utf-8", "surrogateescape")
    assert redact_text("x=%61%62%FF%63%64%65", [secret]) == f"x={MASK}%65"
    assert redact_text("x=%FF%61%62%FF%63%64", [secret]) == f"x=%FF{MASK}"


def test_escapes_that_are_no_surrogate_pair_are_read_one_by_one() -> None:
    # A high surrogate followed by a character that is no low surrogate, and two low surrogates.
    assert redact_text("\\ud800\\ue000", ["\ue000"]) == f"\\ud800{MASK}"
    assert redact_text("\\udbff\\ue000 x", ["\ue000 x"]) == f"\\udbff{MASK}"
    assert redact_text("\\udc00\\udc00 token-x", ["token-x"]) == f"\\udc00\\udc00 {MASK}"
    assert redact_text("\\udfff\\udc00 token-x", ["token-x"]) == f"\\udfff\\udc00 {MASK}"
    assert redact_text("token-x \\ud83d", ["token-x"]) == f"{MASK} \\ud83d"


@pytest.mark.parametrize("tail", ["", " %41"], ids=["plain", "with-escapes"])
def test_every_occurrence_is_masked(tail: str) -> None:
    token = "tok-123456"
    text = f"a {token} b {token} c {token} d{tail}"
    assert redact_text(text, [token]) == f"a {MASK} b {MASK} c {MASK} d{tail}"


@pytest.mark.parametrize("tail", ["", " %41"], ids=["plain", "with-escapes"])
def test_a_secret_inside_another_is_masked_once(tail: str) -> None:
    outer, inner = "abcdefgh", "efgh"
    text = f"x{outer}y {inner}{tail}"
    assert redact_text(text, [inner, outer]) == f"x{MASK}y {MASK}{tail}"
    assert redact_text(text, [outer, inner]) == f"x{MASK}y {MASK}{tail}"


def test_one_character_secrets_next_to_escapes() -> None:
    assert redact_text("x\\n", ["x"]) == f"{MASK}\\n"
    assert redact_text("\\nx\\n", ["x"]) == f"\\n{MASK}\\n"
    assert redact_text("\\nx", ["\n"]) == f"{MASK}x"
    assert redact_text("%41%42", ["A"]) == f"{MASK}%42"
    assert redact_text("%41%42", ["B"]) == f"%41{MASK}"


def test_bytes_with_nothing_to_mask_come_back_as_they_were() -> None:
    content = b"plain \xff\xfe %41 \\n"
    assert redact_bytes(content, ["token-x"]) == content
    assert redact_bytes(b"", ["token-x"]) == b""
    assert redact_bytes(b"a token-x \xff", ["token-x"]) == f"a {MASK} ".encode() + b"\xff"


# -- secrets of live clients, and the log filter --------------------------------------------------------
class _Source:
    def __init__(self, *values: str) -> None:
        self.values = values

    def secret_values(self) -> tuple[str, ...]:
        return self.values


class _Broken:
    def secret_values(self) -> tuple[str, ...]:
        raise RuntimeError("cannot say")


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch) -> weakref.WeakSet[_redact.SecretSource]:
    """An empty registry for this test (the process-wide one holds every live client of the run)."""
    fresh: weakref.WeakSet[_redact.SecretSource] = weakref.WeakSet()
    monkeypatch.setattr(_redact, "_SOURCES", fresh)
    return fresh


def test_live_secrets_are_those_of_at_least_eight_characters(sources: object) -> None:
    assert LOG_FILTER_MIN_LENGTH == 8
    source = _Source("1234567", "12345678", "a-much-longer-token")
    register(source)
    assert sorted(live_secrets()) == ["12345678", "a-much-longer-token"]


def test_a_source_that_fails_is_skipped_and_the_others_still_count(sources: object) -> None:
    # Many good sources, so that whichever order the registry yields them in, most come after the bad one.
    good = [_Source(f"secret-number-{n:02}") for n in range(16)]
    broken = _Broken()
    register(broken)
    for source in good:
        register(source)
    assert sorted(live_secrets()) == [f"secret-number-{n:02}" for n in range(16)]


def test_a_source_is_forgotten_when_it_is_garbage_collected(sources: object) -> None:
    register(_Source("a-forgotten-secret"))
    assert live_secrets() == []


def test_a_record_logged_while_the_registry_is_read_does_not_deadlock(
    sources: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A garbage collection can run while the filter reads the registry, and what it finalizes may log: an
    # abandoned response stream closing logs httpcore's "response_closed" at DEBUG. That record comes
    # back to the filter in the same thread, which must not wait on the registry's lock it already
    # holds (it did: a whole test run hung in test_hostile_server).
    # A lock of the test's own: should the filter deadlock again, only this test's thread is stuck on it.
    current: Any = _redact._LOCK
    plain = type(threading.Lock())  # not instantiable by its type: made by threading.Lock()
    monkeypatch.setattr(_redact, "_LOCK", threading.Lock() if type(current) is plain else type(current)())
    source = _Source("a-secret-of-this-test")
    register(source)
    logged: list[str] = []

    def reads_the_registry(code: types.CodeType) -> bool:
        return code.co_filename == _redact.__file__ and "live_secrets" in code.co_name

    def reading_the_registry() -> bool:
        # Inside live_secrets' list(_SOURCES), under its lock: where the hang's collection ran.
        frame = sys._getframe(1)
        while frame is not None:
            caller = frame.f_back
            iterating = frame.f_code is weakref.WeakSet.__iter__.__code__
            # By name, not by code object: under mutation testing live_secrets is a trampoline to
            # copies of itself (x_live_secrets__mutmut_orig, ...), and the read runs in one of those.
            if iterating and caller is not None and reads_the_registry(caller.f_code):
                return True
            frame = caller  # type: ignore[assignment]
        return False

    def log_during_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and not logged and reading_the_registry():
            record = _record("finalizer closing a-secret-of-this-test")
            SecretLogFilter().filter(record)
            logged.append(record.getMessage())

    def read_registry_with_collections_everywhere() -> None:
        threshold = gc.get_threshold()
        gc.callbacks.append(log_during_collection)
        gc.set_threshold(1)  # every allocation collects: one happens while the registry is read
        try:
            live_secrets()
        finally:
            gc.set_threshold(*threshold)
            gc.callbacks.remove(log_during_collection)

    worker = threading.Thread(target=read_registry_with_collections_everywhere, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the log filter deadlocked on its own lock"
    assert logged == [f"finalizer closing {MASK}"]


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("httpx", logging.DEBUG, __file__, 1, msg, args, None)


def test_the_log_filter_rewrites_a_record_holding_a_secret(sources: object) -> None:
    source = _Source("token-for-the-log")
    register(source)
    record = _record("sent %s with %r", "Bearer token-for-the-log", 5)
    assert SecretLogFilter().filter(record) is True
    assert record.msg == f"sent Bearer {MASK} with 5"
    assert record.args is None
    assert record.getMessage() == f"sent Bearer {MASK} with 5"


def test_the_log_filter_keeps_every_record(sources: object) -> None:
    log_filter = SecretLogFilter()
    plain = _record("nothing %s here", "secret")
    assert log_filter.filter(plain) is True  # no live secret at all
    source = _Source("token-for-the-log")
    register(source)
    assert log_filter.filter(plain) is True
    assert (plain.msg, plain.args) == ("nothing %s here", ("secret",))
    malformed = _record("two %s %s", "token-for-the-log")  # logging reports it itself
    assert log_filter.filter(malformed) is True
    assert (malformed.msg, malformed.args) == ("two %s %s", ("token-for-the-log",))


def test_the_log_filter_is_installed_once_on_httpx_httpcore_and_ours() -> None:
    SimIntegrationsClient(BASE, access_token=STATIC_TOKEN).close()
    install_log_filter(logging.getLogger("sailpoint_sim.not_installed_twice"))
    for name in (*LOGGER_NAMES, "sailpoint_sim"):
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, SecretLogFilter)]
        assert len(filters) == 1, name
    assert logging.getLogger("sailpoint_sim.not_installed_twice").filters == []
    assert not any(isinstance(f, SecretLogFilter) for f in logging.getLogger().filters)


def test_the_log_filter_is_installed_once_on_each_logger(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first client of the process puts one filter on httpx's, httpcore's and our logger; later
    # clients add none (a filter per client would pile up on every log record).
    from sailpoint_sim._redact import LOGGER_NAMES, SecretLogFilter

    names = (*LOGGER_NAMES, "sailpoint_sim")
    saved = {name: list(logging.getLogger(name).filters) for name in names}
    root_before = list(logging.getLogger().filters)
    monkeypatch.setattr(_redact, "_installed", False)
    try:
        for name in names:
            for old in saved[name]:
                logging.getLogger(name).removeFilter(old)
        SimIntegrationsClient(BASE, access_token=STATIC_TOKEN).close()
        SimIntegrationsClient(BASE, access_token=STATIC_TOKEN).close()
        installed = {name: logging.getLogger(name).filters for name in names}
        assert all(
            len(filters) == 1 and isinstance(filters[0], SecretLogFilter) for filters in installed.values()
        )
        assert len({id(filters[0]) for filters in installed.values()}) == 1  # one filter, shared
        assert logging.getLogger().filters == root_before
    finally:
        for name in names:
            logger = logging.getLogger(name)
            for new in list(logger.filters):
                logger.removeFilter(new)
            for old in saved[name]:
                logger.addFilter(old)
