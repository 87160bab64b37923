"""Replies of the fake service: SailPoint's bodies (integrations, errors) and the broken ones faults ask for."""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import hashlib
import json
from http import HTTPStatus
from typing import Any

from ._model import Action, Fault, Reply, format_retry_after

JSON = "application/json"

_DETAIL_CODES = {
    400: "400.1 Bad Request Content",
    403: "403 Forbidden",
    404: "404 Not found",
    405: "405 Method Not Allowed",
    415: "415 Unsupported Media Type",
    500: "500.0 Internal Fault",
}
_ACTIONS: dict[str, Action] = {
    "reset": "reset",
    "reset_mid_body": "reset_mid_body",
    "close_mid_body": "close_mid_body",
}

# The documented example integration (spec/components/examples/Integration), the base of seeded data and
# of the bodies that "before" faults break.
EXAMPLE: dict[str, Any] = {
    "id": "62945a496ef440189b1f03e3623411c8",
    "name": "Service Desk Integration Name",
    "created": "2024-01-17T18:45:25.994Z",
    "modified": "2024-02-18T18:45:25.994Z",
    "description": "A very nice Service Desk integration",
    "type": "ServiceNowSDIM",
    "ownerRef": {"type": "IDENTITY", "id": "2c9180a46faadee4016fb4e018c20639", "name": "Support"},
    "clusterRef": {"type": "CLUSTER", "id": "2c9180847a7fccdd017aa5896f9f4f6f", "name": "Training VA"},
    "cluster": "xyzzy999",
    "managedSources": ["2c9180835d191a86015d28455b4a2329"],
    "provisioningConfig": {
        "universalManager": False,
        "managedResourceRefs": [
            {"type": "SOURCE", "id": "2c9180855d191c59015d291ceb051111", "name": "My Source 1"}
        ],
        "planInitializerScript": None,
        "noProvisioningRequests": True,
        "provisioningRequestExpiration": 7,
    },
    "attributes": {"url": "https://example.service-now.com", "username": "sailpoint"},
    "sources": ["2c9180835d191a86015d28455b4a2329"],
    "statusMap": {"closed_cancelled": "Failed", "closed_complete": "Committed", "requested": "Queued"},
    "request": {
        "description": "SailPoint Access Request",
        "short_description": "SailPoint Access Request $!plan.arguments.identityRequestId",
    },
    "beforeProvisioningRule": {
        "type": "RULE",
        "id": "048eb3d55c5a4758bd07dccb87741c78",
        "name": "Before Provisioning Airtable Rule",
    },
}


class Refusal(Exception):
    """A request the service refuses, carrying the finished reply (raised by checks, caught by the service)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the service sends it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def timestamp(moment: _dt.datetime) -> str:
    """SailPoint's format, as Java's ``Instant.toString`` writes it: UTC, ``Z``, milliseconds, and no
    fraction at all on a whole second (``2024-01-17T18:45:25.994Z``, ``2015-05-28T14:07:17Z``; the
    documented examples show both forms).

    This is the rule the generated models' ``format_datetime`` follows, so what the fake stores is what a
    model read from it writes back. Always writing ``.000`` would make one stored moment in a thousand
    come back as ``…:17Z``: the same instant in a different spelling.
    """
    moment = moment.astimezone(_dt.UTC) if moment.tzinfo else moment
    millis = moment.microsecond // 1000
    fraction = f".{millis:03d}" if millis else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def seed_doc(index: int) -> dict[str, Any]:
    """The ``index``-th seeded integration: the documented example, varied deterministically."""
    digest = hashlib.blake2b(f"sailpoint-sim-fake:{index}".encode(), digest_size=32).hexdigest()
    doc = copy.deepcopy(EXAMPLE)
    doc["id"] = digest[:32]
    doc["name"] = f"ServiceNow SIM {index + 1:04d}"
    desk = ("HR", "IT", "Finance", "Sales")[index % 4]
    doc["description"] = f"SIM integration {index + 1} for the {desk} desk"
    doc["type"] = "ServiceNowSDIM" if index % 5 else "ServiceNow"
    doc["attributes"] = {"url": f"https://tenant{index % 7}.service-now.com", "username": "sailpoint"}
    source = digest[32:64]
    doc["sources"] = [source]
    doc["managedSources"] = [source]
    doc["provisioningConfig"]["managedResourceRefs"][0]["id"] = source
    doc["provisioningConfig"]["managedResourceRefs"][0]["name"] = f"Source {index + 1}"
    moment = _dt.datetime(2024, 1, 17, 18, 45, 25, 994000, tzinfo=_dt.UTC) + _dt.timedelta(minutes=37 * index)
    doc["created"] = doc["modified"] = timestamp(moment)
    return doc


def ok(body: bytes, tracking: str) -> Reply:
    """A 200 with a JSON body already encoded."""
    return Reply(200, [("Content-Type", JSON), ("SLPT-Request-ID", tracking)], body)


def json_reply(status: int, value: Any, tracking: str) -> Reply:
    """A JSON reply carrying SailPoint's tracking header."""
    return Reply(status, [("Content-Type", JSON), ("SLPT-Request-ID", tracking)], dumps(value))


def error_body(status: int, tracking: str, *texts: str) -> dict[str, Any]:
    """SailPoint's ErrorResponseDto: detailCode, trackingId, one en-US message per text, no causes."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown Error"
    return {
        "detailCode": _DETAIL_CODES.get(status, f"{status} {phrase}"),
        "trackingId": tracking,
        "messages": [
            {"locale": "en-US", "localeOrigin": "DEFAULT", "text": text} for text in (texts or (phrase,))
        ],
        "causes": [],
    }


def error(status: int, tracking: str, *texts: str) -> Reply:
    """A reply with SailPoint's ErrorResponseDto body."""
    return json_reply(status, error_body(status, tracking, *texts), tracking)


def fault_reply(fault: Fault, *, is_list: bool, real: Reply | None, plausible: bytes, tracking: str) -> Reply:
    """The broken reply a fault asks for.

    ``real`` is the genuine reply when the work was done (or the request was a read); otherwise
    ``plausible``, a body of the right shape, is what gets broken. ``is_list`` tells the shape.
    """
    headers: list[tuple[str, str]] = [("SLPT-Request-ID", tracking)]
    kind = fault.kind
    if kind == "status":
        status = fault.status or 503
        if isinstance(fault.body, bytes):
            body = fault.body
        elif isinstance(fault.body, str):
            body = fault.body.encode("utf-8")
        elif fault.body is not None:
            body = dumps(fault.body)
        elif status == 429:
            body = dumps({"message": " Rate Limit Exceeded "})
        elif status == 401:
            body = dumps({"error": "JWT validation failed: JWT is expired"})
        else:
            body = dumps(error_body(status, tracking))
        headers.append(("Content-Type", fault.content_type or JSON))
        if fault.retry_after is not None:
            headers.append(("Retry-After", format_retry_after(fault.retry_after)))
        reply = Reply(status, headers, body)
    elif kind == "html":
        status = fault.status or 200
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        page = (
            f"<!DOCTYPE html>\n<html><head><title>{status} {phrase}</title></head>"
            f"<body><h1>{status} {phrase}</h1><p>The upstream server is unavailable.</p></body></html>\n"
        )
        headers.append(("Content-Type", fault.content_type or "text/html; charset=utf-8"))
        reply = Reply(status, headers, page.encode())
    elif kind == "empty":
        headers.append(("Content-Type", fault.content_type or JSON))
        reply = Reply(fault.status or 200, headers, b"")
    elif kind == "huge":
        headers.append(("Content-Type", fault.content_type or JSON))
        reply = Reply(fault.status or 200, headers, huge_body(is_list=is_list, real=real, size=fault.size))
    else:
        # truncated_json, wrong_content_type, reset, reset_mid_body, close_mid_body: the genuine body
        # (or, when the work was not done, a plausible one) broken in transit.
        if real is not None and real.body:
            status, body = real.status, real.body
        else:
            status, body = 200, plausible
        status = fault.status or status
        if kind == "truncated_json":
            body = body[: max(1, len(body) // 2)]
        default_type = "text/plain; charset=utf-8" if kind == "wrong_content_type" else JSON
        headers.append(("Content-Type", fault.content_type or default_type))
        reply = Reply(status, headers, body, action=_ACTIONS.get(kind))
    reply.headers.extend(fault.headers.items())
    return reply


def huge_body(*, is_list: bool, real: Reply | None, size: int) -> bytes:
    """Valid JSON of about ``size`` bytes with the operation's shape (a list or one integration)."""
    if is_list:
        item = dumps(EXAMPLE)
        count = max(1, size // (len(item) + 1))
        return b"[" + b",".join([item] * count) + b"]"
    doc = dict(EXAMPLE)
    if real is not None and real.body:
        with contextlib.suppress(ValueError):
            parsed = json.loads(real.body)
            if isinstance(parsed, dict):
                doc = parsed
    doc["description"] = "x" * max(0, size - len(dumps(doc)))
    return dumps(doc)
