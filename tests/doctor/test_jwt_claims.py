"""Reading a token's claims without verifying it, and what its scope claim says about SIM access."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from sailpoint_sim._doctor import Access, access_from_scopes, read_jwt_claims, scope_values


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(claims: Any, *, header: bytes = b'{"alg":"RS256","typ":"JWT"}') -> str:
    payload = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    return ".".join((b64url(header), b64url(payload), b64url(b"not-a-real-signature")))


def test_reads_the_payload_of_a_signed_token_without_verifying_it() -> None:
    # The shape SailPoint's tokens take (tenant-facts.md): the scope claim as an encoded bitmap.
    claims = {
        "tenant_id": "t-1",
        "pod": "stg01-useast1",
        "org": "acme",
        "client_id": "abc",
        "authorities": ["ORG_ADMIN"],
        "scope": ["FA=="],
        "exp": 1700000749,
        "jti": "x",
    }
    assert read_jwt_claims(jwt(claims)) == claims


@pytest.mark.parametrize(
    "token",
    [
        "opaque-token-without-dots",
        "a.b",  # two parts
        "a.b.c.d",  # four parts
        "header..signature",  # empty payload
        "h.!!!not-base64!!!.s",
        jwt(b"not json"),
        jwt(b"[1, 2, 3]"),  # JSON, not an object
        jwt(b'"just a string"'),
        jwt(b"\xff\xfe"),  # not UTF-8
        "h." + "A" * 70_000 + ".s",  # absurdly long: not decoded at all
    ],
)
def test_unreadable_tokens_give_none_never_an_exception(token: str) -> None:
    assert read_jwt_claims(token) is None


def test_payload_without_padding_of_every_length_decodes() -> None:
    for name in ("a", "ab", "abc", "abcd"):  # payload lengths that need 0, 1 or 2 padding characters
        assert read_jwt_claims(jwt({"org": name})) == {"org": name}


@pytest.mark.parametrize(
    ("claims", "values"),
    [
        ({"scope": ["FA=="]}, ("FA==",)),  # SailPoint's encoded form, shown as it is
        ({"scope": "FA=="}, ("FA==",)),
        ({"scope": "sp:scopes:all"}, ("sp:scopes:all",)),
        (
            {"scope": "idn:service-desk-integration:read idn:sources:read"},
            ("idn:service-desk-integration:read", "idn:sources:read"),
        ),
        ({"scope": ["sp:scopes:all", "sp:scopes:default"]}, ("sp:scopes:all", "sp:scopes:default")),
        ({"scp": ["idn:service-desk-integration:manage"]}, ("idn:service-desk-integration:manage",)),
        ({"scope": [7, {"x": 1}]}, ("7", '{"x": 1}')),  # odd items are shown, not dropped
        ({"scope": []}, ()),
        ({"org": "acme"}, None),  # no scope claim at all
        ({"scope": 42}, None),
    ],
)
def test_scope_values_are_shown_as_they_are(claims: dict[str, Any], values: tuple[str, ...] | None) -> None:
    assert scope_values(claims) == values


@pytest.mark.parametrize(
    ("scopes", "read", "write"),
    [
        (["sp:scopes:all"], Access.YES, Access.YES),
        (["idn:service-desk-integration:manage"], Access.YES, Access.YES),
        (["idn:service-desk-integration:read"], Access.YES, Access.NO),
        (["idn:sources:read", "idn:identity:read"], Access.NO, Access.NO),
        ([], Access.NO, Access.NO),
        # An encoded claim cannot be read: doctor must not guess a name for it.
        (["FA=="], Access.UNKNOWN, Access.UNKNOWN),
        (["idn:service-desk-integration:read", "FA=="], Access.YES, Access.UNKNOWN),
        (["sp:scopes:all", "FA=="], Access.YES, Access.YES),
        (None, Access.UNKNOWN, Access.UNKNOWN),
    ],
)
def test_access_from_scopes(scopes: list[str] | None, read: Access, write: Access) -> None:
    assert access_from_scopes(scopes) == (read, write)
