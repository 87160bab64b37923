"""The exceptions raised by the clients, and the one factory that maps an HTTP response to them.

Every failure a client method can meet ends in one of these types::

    SailPointError
    ├── ConfigurationError          missing or malformed settings (names the setting)
    ├── InvalidRequestError         bad input refused before anything is sent
    ├── APIConnectionError          the request did not complete (connect, read, write, protocol)
    │   └── APITimeoutError         ... because a timeout expired
    ├── UnreadableResponseError     a 2xx whose body is not what the API documents
    │   └── ResponseTooLargeError   ... or larger than max_response_bytes (reading stopped there)
    └── APIStatusError              a non-2xx status (status_code, detail_code, tracking_id, messages)
        ├── BadRequestError         400
        ├── AuthenticationError     401, and any failure of the OAuth2 token endpoint
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── RateLimitError          429 (retry_after: seconds, when the server said)
        ├── ServerError             5xx
        └── UnexpectedStatusError   anything else (3xx, 418, ...)

Building an error never fails: bodies may be SailPoint's ErrorResponseDto, ``{"error": ...}``,
``{"message": ...}``, HTML, empty or garbage.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ._redact import MASK, redact_bytes, redact_headers, redact_text

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "SailPointError",
    "ServerError",
    "UnexpectedStatusError",
    "UnreadableResponseError",
]

# Bodies are quoted in messages only this far: enough to recognise an HTML error page or a truncated
# JSON document, short enough to keep a log line readable.
_EXCERPT_CHARS = 200
# Only the body's first bytes are decoded for an excerpt: 4 per character (UTF-8's longest), so a
# multi-megabyte body costs no more than a small one.
_EXCERPT_BYTES = 4 * _EXCERPT_CHARS
# Dropped from the end of a redacted head: whatever of a secret the head's end may have cut. A secret's
# forms take up to 12 bytes a character (4 UTF-8 bytes, each as %XX; a \uXXXX escape under a doubled
# backslash, 7), and masking can triple a byte count (a 1-character secret becomes ***): 36 bytes per
# character of the longest secret cover both.
_TAIL_BYTES_PER_SECRET_CHAR = 3 * 12
# Error bodies larger than this are not parsed as JSON (a multi-megabyte error page is not SailPoint's
# error DTO, and parsing it would only cost time).
_MAX_ERROR_BODY_PARSE = 1 << 20


def excerpt(content: bytes, *, cut: bool = False) -> str:
    """Return a one-line, printable excerpt of a body, marking truncation with an ellipsis.

    ``cut``: ``content`` is already only the start of the body (the ellipsis is due whatever its length).
    """
    head = content[:_EXCERPT_BYTES]
    text = one_line(head.decode(errors="replace"))
    if cut or len(head) < len(content) or len(text) > _EXCERPT_CHARS:
        # Cut by bytes, the text may be shorter than the limit (4-byte characters, blanks stripped):
        # the ellipsis still says there was more.
        return text[:_EXCERPT_CHARS] + "…"
    return text


def one_line(text: str) -> str:
    """Collapse control characters (newlines included) so a message stays one log line."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


class SailPointError(Exception):
    """Base class of every exception this package raises.

    Attributes:
        attempts: How many attempts the failed call made (1: it was not retried).
        retried_for: What each retry was for, in order ("503 Service Unavailable", "ReadTimeout").
    """

    # Set by the clients' send loop (_send.note_attempts) on the error a call ends with.
    attempts: int = 1
    retried_for: tuple[str, ...] = ()


class ConfigurationError(SailPointError):
    """A setting is missing or malformed; the message names the setting (never its secret value)."""


class InvalidRequestError(SailPointError):
    """The arguments of a call were refused before any request was sent."""


class APIConnectionError(SailPointError):
    """The request did not complete: the connection failed, broke, or the protocol was violated.

    Attributes:
        method: HTTP method of the request.
        url: URL of the request.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class UnreadableResponseError(SailPointError):
    """A successful (2xx) response whose body could not be read as the documented model.

    Attributes:
        status_code: The HTTP status.
        content_type: The Content-Type header ('' when absent).
        body_excerpt: The start of the body, one line.
        method: HTTP method of the request.
        url: URL of the request.
    """

    def __init__(
        self,
        reason: str,
        *,
        status_code: int,
        content_type: str,
        body_excerpt: str,
        method: str = "",
        url: str = "",
    ) -> None:
        self.reason = reason
        self.status_code = status_code
        self.content_type = content_type
        self.body_excerpt = body_excerpt
        self.method = method
        self.url = url
        where = f" to {method} {url}" if method else ""
        super().__init__(
            f"unreadable {status_code} response{where} (content-type {content_type or 'none'!r}): "
            f"{reason}; body starts {body_excerpt!r}"
        )


class ResponseTooLargeError(UnreadableResponseError):
    """The response body passed ``max_response_bytes`` (counted after decompression); reading stopped.

    Attributes:
        limit: The cap in bytes.
    """

    def __init__(self, reason: str, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(reason, **kwargs)


class APIStatusError(SailPointError):
    """The API answered with a non-2xx status.

    Attributes:
        status_code: The HTTP status.
        detail_code: SailPoint's ``detailCode`` (e.g. "400.1 Bad Request Content"), or None.
        tracking_id: SailPoint's ``trackingId`` to quote to support, or None.
        messages: The message texts found in the body (``messages[].text``, ``error``, ``message``...).
        headers: The response headers.
        body: A one-line excerpt of the response body.
        method: HTTP method of the request.
        url: URL of the request.
    """

    def __init__(
        self,
        *,
        status_code: int,
        detail_code: str | None = None,
        tracking_id: str | None = None,
        messages: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: str = "",
        method: str = "",
        url: str = "",
    ) -> None:
        self.status_code = status_code
        self.detail_code = detail_code
        self.tracking_id = tracking_id
        self.messages = list(messages or [])
        self.headers: dict[str, str] = dict(headers or {})
        self.body = body
        self.method = method
        self.url = url
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"HTTP {status_phrase(self.status_code)}"]
        if self.method:
            parts.append(f"from {self.method} {self.url}")
        text = "; ".join(self.messages) if self.messages else (self.body or "(no message)")
        line = " ".join(parts) + ": " + text
        extras = []
        if self.detail_code:
            extras.append(f"detailCode {self.detail_code}")
        if self.tracking_id:
            extras.append(f"trackingId {self.tracking_id}")
        if extras:
            line += " (" + ", ".join(extras) + ")"
        return one_line(line)


class BadRequestError(APIStatusError):
    """400: the request was refused as invalid (also: a missing experimental header)."""


class AuthenticationError(APIStatusError):
    """401 from the API, or any failure of the OAuth2 token endpoint (bad credentials, 5xx, garbage)."""


class PermissionDeniedError(APIStatusError):
    """403: the token lacks the rights (ORG_ADMIN and the service-desk-integration scopes)."""


class NotFoundError(APIStatusError):
    """404: no integration with that id."""


class RateLimitError(APIStatusError):
    """429: rate limited, after the retries the policy allows.

    Attributes:
        retry_after: Seconds the server asked to wait, when it said (Retry-After), else None.
    """

    def __init__(self, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(**kwargs)


class ServerError(APIStatusError):
    """5xx: the service failed."""


class UnexpectedStatusError(APIStatusError):
    """Any other non-2xx status: 3xx, 418, 409, non-IANA codes such as 520."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_phrase(status: int) -> str:
    """'404 Not Found' for known codes, '520' for codes outside the IANA registry."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _texts(items: Any) -> Iterable[str]:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, Mapping):
                text = item.get("text")
                if text is not None:
                    yield str(text)
            elif isinstance(item, str):
                yield item


def describe_body(content: bytes) -> tuple[str | None, str | None, list[str]]:
    """Extract (detailCode, trackingId, messages) from any error body, never raising.

    Understands SailPoint's ErrorResponseDto, ``{"error": ..., "error_description": ...}`` (401s and the
    OAuth2 token endpoint) and ``{"message": ...}`` (429s). Anything else yields no fields.
    """
    if not content or len(content) > _MAX_ERROR_BODY_PARSE:
        return None, None, []
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, None, []
    if not isinstance(data, Mapping):
        return None, None, []
    detail = data.get("detailCode")
    tracking = data.get("trackingId")
    messages = list(_texts(data.get("messages")))
    for key in ("error_description", "error", "message"):
        value = data.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if text and text not in messages:
                messages.append(text)
    return (
        str(detail) if detail is not None else None,
        str(tracking) if tracking is not None else None,
        [one_line(m) for m in messages if m.strip()],
    )


def make_status_error(
    response: httpx.Response,
    *,
    method: str,
    url: str,
    retry_after: float | None = None,
    error_class: type[APIStatusError] | None = None,
    secrets: Iterable[str] = (),
) -> APIStatusError:
    """Build the typed error for a non-2xx response: the one place an APIStatusError is made.

    ``error_class`` overrides the status→class mapping (the token endpoint: every failure there is an
    AuthenticationError). ``secrets`` (the tokens and client secret in use) are masked in every form (see
    ``_redact``) in the messages, codes, headers and body excerpt; ``Set-Cookie`` values are never kept.
    """
    status = response.status_code
    secrets = tuple(secrets)
    content = response.content
    detail, tracking, messages = describe_body(content)
    if secrets:
        # (redact_text would give None back too: the checks are for the type checker.)
        if detail is not None:
            detail = redact_text(detail, secrets)
        if tracking is not None:
            tracking = redact_text(tracking, secrets)
        messages = [redact_text(message, secrets) for message in messages]
    headers = redact_headers(
        ((k, MASK if k.lower() == "set-cookie" else v) for k, v in response.headers.items()), secrets
    )
    if tracking is None:
        # SailPoint also returns the request id as a header on some gateways' errors.
        tracking = headers.get("slpt-request-id")
    cls = error_class or _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if 500 <= status <= 599 else UnexpectedStatusError
    kwargs: dict[str, Any] = {
        "status_code": status,
        "detail_code": detail,
        "tracking_id": tracking,
        "messages": messages,
        "headers": headers,
        "body": redacted_excerpt(content, secrets),
        "method": method,
        "url": url,
    }
    if issubclass(cls, RateLimitError):
        return cls(retry_after=retry_after, **kwargs)
    return cls(**kwargs)


def redacted_excerpt(content: bytes, secrets: Iterable[str]) -> str:
    """:func:`excerpt` of ``content`` with ``secrets`` masked in every form.

    Only a head of the body is scanned, so a multi-megabyte body costs no more than a small one. A
    secret cut in two by the end of the head is not found there: the redacted head's last bytes, where
    its start would be, are dropped, so no part of a secret reaches the excerpt (a head full of secrets
    may leave less than a whole excerpt).
    """
    secrets = [secret for secret in secrets if secret]
    if not secrets:
        return excerpt(content)
    tail = _TAIL_BYTES_PER_SECRET_CHAR * max(len(secret) for secret in secrets)
    head = content[: _EXCERPT_BYTES + tail]
    if len(head) == len(content):
        return excerpt(redact_bytes(content, secrets))
    return excerpt(redact_bytes(head, secrets)[:-tail], cut=True)


def transport_error(exc: httpx.RequestError, *, method: str, url: str) -> APIConnectionError:
    """Map an httpx transport failure to APIConnectionError / APITimeoutError."""
    kind = type(exc).__name__
    detail = one_line(str(exc)) or "no detail"
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(f"{kind} during {method} {url}: {detail}", method=method, url=url)
