"""Hostile integration ids: each stays one percent-encoded path segment on the wire, or is refused.

Checked on the wire twice: with an ``httpx.MockTransport`` that sees the exact request target the client
sends, and with the fake service over loopback, whose request log records what arrived. No request may
ever leave ``/v2025/sim-integrations/``: not to another resource, not to ``/oauth/token``, not with a
query string or a fragment, and the segment must decode back to exactly the id the caller gave.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    InvalidRequestError,
    NotFoundError,
    RetryPolicy,
    SailPointError,
    SimIntegrationsClient,
)
from sailpoint_sim.testing import FakeServer, FakeSimService

BASE = "https://acme.api.identitynow.com"
PREFIX = "/v2025/sim-integrations/"
TOKEN = "hostile-id-test-token"

HOSTILE_IDS: list[str] = [
    "a/b",
    "/",
    "//",
    "..",
    ".",
    "../x",
    "../../oauth/token",
    "..%2F..%2Foauth%2Ftoken",
    "%2e%2e",
    "a?b=c",
    "?",
    "#",
    "a#fragment",
    "100%",
    "%",
    "%00",
    "%2F",
    "a b",
    " ",
    "ünïcødé-ид-身份-😀",
    "\u202egnp.exe",
    "\x00",
    "tab\there",
    "new\nline",
    "\r\nX-Injected: yes",
    "a\\b",
    "a;b=c",
    "@evil.example.com",
    "http://evil.example.com/",
    "x" * 10_000,
    "ü" * 10_000,
]
# Ids that may be refused before sending: URL normalisation would rewrite them ("this" and "the parent"
# path). Every other id must be sent, as one segment.
MAY_BE_REFUSED = {".", ".."}
# Strings that cannot be encoded as UTF-8 at all (lone surrogates): they must be refused before sending.
UNENCODABLE_IDS = ["\ud800", "ok-\udfff", "\ud83d"]

# method -> (arguments after the id, path suffix after the segment)
METHODS: dict[str, tuple[tuple[Any, ...], str]] = {
    "get": ((), ""),
    "update": (({"name": "n"},), ""),
    "patch": (([{"op": "replace", "path": "/description", "value": "d"}],), ""),
    "patch_before_provisioning_rule": (
        ([{"op": "replace", "path": "/id", "value": "r"}],),
        "/beforeProvisioningRule",
    ),
    "delete": ((), ""),
}


def _policy() -> RetryPolicy:
    async def nap(_: float) -> None:
        return None

    return RetryPolicy(max_attempts=1, sleep=lambda _: None, async_sleep=nap)


def call(
    kind: str, method: str, ident: str, handler: Any = None, base: str = BASE, token: str = TOKEN
) -> Any:
    """Call ``method`` with ``ident``; ``handler`` is a MockTransport handler (None: the real network)."""
    args = (ident, *METHODS[method][0])
    if kind == "sync":
        http = httpx.Client(transport=httpx.MockTransport(handler)) if handler else None
        try:
            with SimIntegrationsClient(base, access_token=token, http_client=http, retry=_policy()) as client:
                return getattr(client, method)(*args)
        finally:
            if http is not None:
                http.close()

    async def go() -> Any:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler)) if handler else None
        try:
            async with AsyncSimIntegrationsClient(
                base, access_token=token, http_client=http, retry=_policy()
            ) as client:
                return await getattr(client, method)(*args)
        finally:
            if http is not None:
                await http.aclose()

    return asyncio.run(go())


def check_target(raw_target: str, ident: str, suffix: str) -> None:
    """The request target is exactly PREFIX + one encoded segment + suffix, decoding back to ``ident``."""
    assert raw_target.startswith(PREFIX), raw_target[:200]
    rest = raw_target[len(PREFIX) :]
    assert "?" not in rest and "#" not in rest, rest[:200]
    if suffix:
        assert rest.endswith(suffix)
        rest = rest[: -len(suffix)]
    assert "/" not in rest, f"the id left its segment: {rest[:200]!r}"
    assert all(ch.isascii() and ch.isprintable() and ch != " " for ch in rest), rest[:200]
    assert unquote(rest, errors="strict") == ident


def run_mock(kind: str, method: str, ident: str) -> tuple[str, list[str]]:
    """Outcome ("refused" / "sent") and the raw targets a MockTransport saw."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode("ascii"))
        return httpx.Response(404, json={"detailCode": "404 Not found", "messages": []}, request=request)

    try:
        call(kind, method, ident, handler)
    except InvalidRequestError as exc:
        assert seen == [], "refused, but a request was sent anyway"
        assert str(exc)
        return "refused", seen
    except NotFoundError:
        return "sent", seen
    return "returned", seen


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize(
    "ident", HOSTILE_IDS, ids=lambda s: repr(s[:12]) + (f"+{len(s)}" if len(s) > 12 else "")
)
def test_hostile_id_on_the_wire(kind: str, method: str, ident: str) -> None:
    outcome, seen = run_mock(kind, method, ident)
    if outcome == "refused":
        assert ident in MAY_BE_REFUSED, f"{ident[:40]!r} was refused, but it is a legal id"
        return
    assert outcome == "sent"
    assert len(seen) == 1
    check_target(seen[0], ident, METHODS[method][1])


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("ident", UNENCODABLE_IDS, ids=ascii)
def test_unencodable_id_is_refused_before_sending(kind: str, method: str, ident: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode("ascii"))
        return httpx.Response(404, request=request)

    with pytest.raises(InvalidRequestError):
        call(kind, method, ident, handler)
    assert seen == []


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


LONE_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)


@pytest.mark.soak
@given(
    ident=st.one_of(
        st.text(min_size=1, max_size=60),
        # Sometimes with a lone surrogate somewhere: then it must be refused, not crash.
        st.tuples(st.text(max_size=20), LONE_SURROGATES, st.text(max_size=20)).map("".join),
    )
)
def test_any_text_id_stays_one_segment(ident: str) -> None:
    for method in METHODS:
        outcome, seen = run_mock("sync", method, ident)
        if outcome == "refused":
            assert ident in MAY_BE_REFUSED or not _encodable(ident)
            continue
        assert _encodable(ident)
        assert outcome == "sent" and len(seen) == 1
        check_target(seen[0], ident, METHODS[method][1])


def test_empty_and_non_string_ids_are_refused_before_sending() -> None:
    for bad in ("", None, 42, b"bytes", ["a"]):
        for method in METHODS:
            outcome, seen = run_mock("sync", method, bad)  # type: ignore[arg-type]
            assert outcome == "refused" and seen == []


# --------------------------------------------------------------------------------------------------
# The same over real loopback HTTP, checked from the fake service's request log.


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeSimService, FakeServer]]:
    fake = FakeSimService()
    fake.add_token(TOKEN)
    with fake.serve(port=0) as server:
        yield fake, server


def _loopback_calls(kind: str, base: str) -> int:
    """Send every hostile id to every id endpoint through ONE client; returns how many were sent."""
    pairs = [(ident, method) for ident in HOSTILE_IDS for method in METHODS]

    def judge(ident: str, exc: SailPointError | None) -> int:
        if isinstance(exc, InvalidRequestError):
            assert ident in MAY_BE_REFUSED, f"{ident[:40]!r} refused: {exc}"
            return 0
        # The fake has no such integration: 404 (or 400 for a body it refuses), never a crash.
        assert exc is not None and getattr(exc, "status_code", None) in (400, 404), repr(exc)
        return 1

    if kind == "sync":
        sent = 0
        with SimIntegrationsClient(base, access_token=TOKEN, retry=_policy()) as client:
            for ident, method in pairs:
                try:
                    getattr(client, method)(ident, *METHODS[method][0])
                    sent += judge(ident, None)
                except SailPointError as exc:
                    sent += judge(ident, exc)
        return sent

    async def go() -> int:
        sent = 0
        async with AsyncSimIntegrationsClient(base, access_token=TOKEN, retry=_policy()) as client:
            for ident, method in pairs:
                try:
                    await getattr(client, method)(ident, *METHODS[method][0])
                    sent += judge(ident, None)
                except SailPointError as exc:
                    sent += judge(ident, exc)
        return sent

    return asyncio.run(go())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_hostile_ids_over_loopback_stay_in_the_collection(
    kind: str, served: tuple[FakeSimService, FakeServer]
) -> None:
    fake, server = served
    fake.clear_records()
    before = len(fake.integrations)
    sent = _loopback_calls(kind, server.url)
    records = fake.requests
    assert len(records) == sent == (len(HOSTILE_IDS) - len(MAY_BE_REFUSED)) * len(METHODS)
    assert all(r.path.startswith(PREFIX) for r in records)
    assert all(r.query == "" for r in records)
    assert all(r.operation not in (None, "token", "admin", "405") for r in records)
    assert not fake.writes and len(fake.integrations) == before
    # Each arrived as one segment that decodes back to exactly the id that was sent, in order.
    expected = [(ident, method) for ident in HOSTILE_IDS if ident not in MAY_BE_REFUSED for method in METHODS]
    for record, (ident, method) in zip(records, expected, strict=True):
        check_target(record.path, ident, METHODS[method][1])
