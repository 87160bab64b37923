"""Bad input is refused before anything is sent, with a message naming the problem.

- JSON Patch operations with a bad ``op``, a missing field, or a ``path``/``from`` that is not an
  RFC 6901 JSON Pointer: ``InvalidRequestError`` naming the operation and the problem, and the
  transport never sees a request (checked with an ``httpx.MockTransport`` that counts calls).
- Base URLs (and token URLs) that are not absolute http(s) URLs: ``ConfigurationError`` naming the
  setting. Plain ``http://`` is accepted for loopback hosts, and for other hosts only with
  ``allow_insecure_http=True``; accepted URLs are really used (checked on the wire).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    ConfigurationError,
    InvalidRequestError,
    SimIntegrationsClient,
)

BASE = "https://acme.api.identitynow.com"
SECRET = "refusal-test-client-secret-7a1f"

# (operations, words the message must contain)
BAD_OPERATIONS: list[tuple[Any, tuple[str, ...]]] = [
    ([{"op": "delete", "path": "/description"}], ("op", "delete")),
    ([{"op": "REPLACE", "path": "/description", "value": 1}], ("op", "REPLACE")),
    ([{"op": "", "path": "/description"}], ("op",)),
    ([{"op": None, "path": "/description"}], ("op",)),
    ([{"op": 3, "path": "/description"}], ("op",)),
    ([{"path": "/description", "value": 1}], ("op",)),
    ([{"op": "replace", "value": 1}], ("path",)),
    ([{"op": "replace", "path": "description", "value": 1}], ("description", "JSON Pointer")),
    ([{"op": "replace", "path": "#/description", "value": 1}], ("#/description", "JSON Pointer")),
    ([{"op": "replace", "path": "/a~2b", "value": 1}], ("/a~2b", "JSON Pointer")),
    ([{"op": "replace", "path": "/a~", "value": 1}], ("/a~", "JSON Pointer")),
    ([{"op": "replace", "path": 5, "value": 1}], ("path",)),
    ([{"op": "replace", "path": None, "value": 1}], ("path",)),
    ([{"op": "move", "path": "/a"}], ("from",)),
    ([{"op": "copy", "from": "nope", "path": "/a"}], ("nope", "JSON Pointer")),
    ([{"op": "replace", "path": "/description"}], ("value",)),
    ([{"op": "add", "path": "/x", "value": float("nan")}], ("nan",)),
    ([{"op": "add", "path": "/x", "value": object()}], ("object",)),
    ([{"op": "replace", "path": "/ok", "value": 1}, {"op": "bogus", "path": "/x"}], ("bogus",)),
    ([], ("empty",)),
    ("replace /description", ()),
    ([["op", "replace"]], ()),
    ({"operations": "nope"}, ("operations",)),
]


class Counting:
    """A MockTransport handler that counts (and refuses) every request it is given."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(500, request=request)


def patch_call(kind: str, rule: bool, operations: Any, handler: Counting) -> None:
    method = "patch_before_provisioning_rule" if rule else "patch"
    if kind == "sync":
        with (
            httpx.Client(transport=httpx.MockTransport(handler)) as http,
            SimIntegrationsClient(BASE, access_token="t", http_client=http) as client,
        ):
            getattr(client, method)("abc", operations)
        return

    async def go() -> None:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            AsyncSimIntegrationsClient(BASE, access_token="t", http_client=http) as client,
        ):
            await getattr(client, method)("abc", operations)

    asyncio.run(go())


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("rule", [False, True], ids=["patch", "patch_rule"])
@pytest.mark.parametrize(("operations", "words"), BAD_OPERATIONS, ids=lambda v: repr(v)[:40])
def test_bad_patch_operations_are_refused_before_sending(
    kind: str, rule: bool, operations: Any, words: tuple[str, ...]
) -> None:
    handler = Counting()
    with pytest.raises(InvalidRequestError) as caught:
        patch_call(kind, rule, operations, handler)
    assert handler.calls == 0
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} not named in {message!r}"


@pytest.mark.soak
@given(
    path=st.text(max_size=20).filter(lambda p: p and not p.startswith("/")),
    op=st.sampled_from(["add", "replace", "test", "remove"]),
)
def test_any_non_pointer_path_is_refused(path: str, op: str) -> None:
    handler = Counting()
    with pytest.raises(InvalidRequestError) as caught:
        patch_call("sync", False, [{"op": op, "path": path, "value": 1}], handler)
    assert handler.calls == 0
    assert "JSON Pointer" in str(caught.value)


@pytest.mark.soak
@given(
    op=st.text(max_size=12).filter(lambda o: o not in ("add", "remove", "replace", "move", "copy", "test"))
)
def test_any_unknown_op_is_refused(op: str) -> None:
    handler = Counting()
    with pytest.raises(InvalidRequestError) as caught:
        patch_call("sync", False, [{"op": op, "path": "/description", "value": 1}], handler)
    assert handler.calls == 0
    assert "op" in str(caught.value)


@pytest.mark.soak
@given(
    value=st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
        max_leaves=10,
    ),
    segments=st.lists(st.text(max_size=6), max_size=4),
)
def test_valid_operations_are_sent_as_given(value: Any, segments: list[str]) -> None:
    # The other side of the refusals: every JSON value and every well-formed pointer goes through.
    pointer = "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments)
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.read())
        return httpx.Response(200, json={"name": "n"}, request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        SimIntegrationsClient(BASE, access_token="t", http_client=http) as client,
    ):
        client.patch("abc", [{"op": "add", "path": pointer, "value": value}])
    import json

    assert json.loads(sent[0]) == {"operations": [{"op": "add", "path": pointer, "value": value}]}


# --------------------------------------------------------------------------------------------------
# Base URLs

REFUSED_URLS: list[tuple[Any, str]] = [
    ("", "not set"),
    ("   ", "not set"),
    (None, "not set"),
    ("acme.api.identitynow.com", "absolute"),
    ("//acme.api.identitynow.com", "absolute"),
    ("/v2025", "absolute"),
    ("ftp://acme.api.identitynow.com", "absolute"),
    ("file:///etc/passwd", "absolute"),
    ("javascript:alert(1)", "absolute"),
    ("https://", "absolute"),
    ("https:///path", "absolute"),
    ("https://acme.api.identitynow.com:notaport", "valid URL"),
    ("https://user:pw@acme.api.identitynow.com", "credentials"),
    ("https://acme.api.identitynow.com?x=1", "query"),
    ("https://acme.api.identitynow.com#frag", "fragment"),
    ("http://acme.api.identitynow.com", "http://"),
    ("http://10.0.0.5:8080", "http://"),
    ("http://127.0.0.1.evil.example.com", "http://"),
    ("http://localhost.evil.example.com", "http://"),
    (42, "not set"),
]


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
@pytest.mark.parametrize(("url", "words"), REFUSED_URLS, ids=lambda v: repr(v)[:40])
def test_bad_base_urls_are_refused(cls: Any, url: Any, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        cls(url, client_id="id", client_secret=SECRET)
    message = str(caught.value)
    assert "base_url" in message and words in message, message
    assert SECRET not in message and "pw@" not in message


@pytest.mark.parametrize("url", ["ftp://x.example.com/token", "token", "http://auth.example.com/oauth/token"])
def test_bad_token_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SimIntegrationsClient(BASE, client_id="id", client_secret=SECRET, token_url=url)
    assert "token_url" in str(caught.value)


def test_from_env_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", "ftp://acme.api.identitynow.com")
    monkeypatch.setenv("SAIL_CLIENT_ID", "id")
    monkeypatch.setenv("SAIL_CLIENT_SECRET", SECRET)
    with pytest.raises(ConfigurationError) as caught:
        SimIntegrationsClient.from_env()
    assert "SAIL_BASE_URL" in str(caught.value) and SECRET not in str(caught.value)
    monkeypatch.setenv("SAIL_BASE_URL", "http://acme.api.identitynow.com")
    with pytest.raises(ConfigurationError, match="SAIL_BASE_URL"):
        SimIntegrationsClient.from_env()


ACCEPTED_URLS = [
    ("https://acme.api.identitynow.com", False, "https://acme.api.identitynow.com/v2025/sim-integrations"),
    ("https://acme.api.identitynow.com/", False, "https://acme.api.identitynow.com/v2025/sim-integrations"),
    (
        "https://acme.api.identitynow.com/v2025",
        False,
        "https://acme.api.identitynow.com/v2025/sim-integrations",
    ),
    ("http://127.0.0.1:8080", False, "http://127.0.0.1:8080/v2025/sim-integrations"),
    ("http://127.5.6.7", False, "http://127.5.6.7/v2025/sim-integrations"),
    ("http://localhost:9", False, "http://localhost:9/v2025/sim-integrations"),
    ("http://api.localhost", False, "http://api.localhost/v2025/sim-integrations"),
    ("http://[::1]:8080", False, "http://[::1]:8080/v2025/sim-integrations"),
    ("http://acme.internal.example.com", True, "http://acme.internal.example.com/v2025/sim-integrations"),
]


@pytest.mark.parametrize(("url", "insecure", "expected"), ACCEPTED_URLS)
def test_accepted_base_urls_are_used_on_the_wire(url: str, insecure: bool, expected: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=[], request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        SimIntegrationsClient(
            url, access_token="t", http_client=http, allow_insecure_http=insecure
        ) as client,
    ):
        assert client.list() == []
    assert seen == [expected]
