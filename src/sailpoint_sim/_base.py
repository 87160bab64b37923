"""What the sync and async clients share: settings, request building and response→result/error mapping.

Only sending (and sleeping between retries) differs between the two clients. Requests are built by the
generated modules' ``_get_kwargs`` so the wire format (method, path, headers, body, content type) has
one source: the spec. Responses are NOT parsed with the generated ``_parse_response``, which raises
JSONDecodeError/ValueError/KeyError on surprises; they are mapped here to results or typed errors.
"""

from __future__ import annotations

import enum
import json
import logging
import math
import os
import ssl
from typing import TYPE_CHECKING, Any, Final

import httpx

from ._auth import ClientCredentialsAuth, StaticTokenAuth, budget_key
from ._config import (
    DEFAULT_API_VERSION,
    ClientSettings,
    Layout,
    config_file_kwargs,
    env_kwargs,
)
from ._convert import coerce_details
from ._errors import (
    APIConnectionError,
    APIStatusError,
    InvalidRequestError,
    UnreadableResponseError,
    make_status_error,
    one_line,
    redacted_excerpt,
)
from ._generated_package import generated_package
from ._patch import PatchFormat, coerce_operations, wire_body
from ._paths import GENERATED_COLLECTION, collection_url, validate_id
from ._ratelimit import DEFAULT_RATE_LIMIT, Pacer, RateLimit, Slot
from ._redact import install_log_filter, redact_text
from ._redact import register as register_secret_source
from ._retry import RetryPolicy, Verdict
from ._send import (
    CONTENT_TYPE,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    TRACE,
    Call,
    note_attempts,
    rebuilt,
    tracking_id,
)
from ._version import __version__

if TYPE_CHECKING:
    from typing import Self

    from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto

__all__ = ["NOT_GIVEN", "TRACE", "BaseClient", "Expect", "Prepared", "logger"]

# Named after the package, not spelled out: a vendored copy (`myproj._vendor.acme_sim`) logs under its
# own name, inside the host's logger tree, and never mixes with an installed `sailpoint_sim`.
logger = logging.getLogger(__name__.rpartition(".")[0])


class _NotGiven:
    """Sentinel for "argument not passed" where None has a meaning (timeout=None: no timeout)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = _NotGiven()


class Expect(enum.Enum):
    """What the body of a successful response must be."""

    LIST = "a JSON array of integrations"
    ONE = "a JSON object (an integration)"
    NOTHING = "nothing (DELETE: 200 or 204)"


# httpx compares header names without case, and media types are case-insensitive (RFC 9110 8.3.1).
ACCEPT: Final = "Accept"  # pragma: no mutate - header names ignore case
USER_AGENT: Final = "User-Agent"  # pragma: no mutate - header names ignore case
LOCATION: Final = "Location"  # pragma: no mutate - header names ignore case
JSON_MEDIA_TYPE: Final = "application/json"  # pragma: no mutate - media types ignore case

_SSL_CONTEXTS: list[ssl.SSLContext] = []
_URL_CACHE_SIZE: Final = 256
_SEP: Final = (",", ":")  # compact JSON, as httpx writes it


def _encode_like_httpx(v: Any) -> bytes:
    """``v`` as httpx 0.28 encodes a request's ``json=`` (a unit test compares the two)."""
    # Marked: None is as false as False to json.dumps (equivalent mutants); the test kills the others.
    return json.dumps(v, ensure_ascii=False, separators=_SEP, allow_nan=False).encode()  # pragma: no mutate


def shared_ssl_context() -> ssl.SSLContext:
    """The TLS context of every httpx client the facade creates.

    Building one (loading the CA bundle) costs tens of milliseconds; sharing it makes every client after
    the first cheap to construct. An SSLContext may be shared between connections and threads.
    """
    if not _SSL_CONTEXTS:
        _SSL_CONTEXTS.append(httpx.create_ssl_context())
    return _SSL_CONTEXTS[0]


class Prepared:
    """One API call ready to send: the httpx request and what its success body must be."""

    __slots__ = ("kind", "method", "request", "url")

    def __init__(self, request: httpx.Request, kind: Expect, url: str) -> None:
        self.request = request
        self.kind = kind
        self.method = request.method
        self.url = url  # str(request.url), kept with the parsed URL: writing it out costs as much


class BaseClient:
    """Settings and the I/O-free half of both clients."""

    _http: httpx.Client | httpx.AsyncClient
    # Each client sets it before _setup_http: its own transport on the direct path, else None.
    _transport: httpx.HTTPTransport | httpx.AsyncHTTPTransport | None

    def __init__(
        self,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
        layout: Layout | str = Layout.V2025,
        token_url: str | None = None,
        timeout: httpx.Timeout | float | _NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        patch_format: PatchFormat = PatchFormat.OPERATIONS_OBJECT,
        allow_insecure_http: bool = False,  # pragma: no mutate - both clients pass it: never used
        user_agent: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
    ) -> None:
        self._closed = False  # pragma: no mutate - read only as a truth value: None is as false
        settings = ClientSettings(
            base_url,
            client_id,
            client_secret,
            access_token,
            api_version=api_version,
            layout=layout,
            token_url=token_url,
            timeout=timeout,
            timeout_given=timeout is not NOT_GIVEN,
            retry=retry,
            max_retries=max_retries,
            patch_format=patch_format,
            allow_insecure_http=allow_insecure_http,
            user_agent=user_agent,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
        )
        self.deadline = settings.deadline
        self.max_response_bytes = settings.max_response_bytes
        self.rate_limit = settings.rate_limit
        # One pacer per client, shared by every thread and task that uses it.
        self._pacer = None if self.rate_limit is None else Pacer(self.rate_limit)
        self.api_version = settings.api_version
        self.layout = settings.layout
        self.base_url = settings.base_url
        # The v2025 API root; with the per-resource layout the operations live under base_url instead.
        self.api_base_url = f"{self.base_url}/{self.api_version}"
        self.auth: httpx.Auth
        if settings.access_token is not None:
            self.auth = StaticTokenAuth(settings.access_token)
        else:
            # ClientSettings made sure all three are set: `or ""` only narrows their types.
            cid, secret, url = settings.client_id, settings.client_secret, settings.token_url
            self.auth = ClientCredentialsAuth(cid or "", secret or "", url or "")  # pragma: no mutate
        # Tokens never appear in logs, httpx's and httpcore's DEBUG records included: their loggers
        # scrub the secrets of every live client.
        register_secret_source(self.auth)
        install_log_filter(logger)
        self.retry = settings.retry
        self.patch_format = settings.patch_format
        self._timeout_given = settings.timeout_given
        self.timeout: httpx.Timeout = settings.timeout
        self.user_agent = settings.user_agent or f"sailpoint-sim/{__version__} httpx/{httpx.__version__}"
        self._user_agent_given = user_agent is not None
        self._generated = generated_package()
        self._collection_url = collection_url(self.base_url, self.layout, self.api_version)
        self._collection_prefix = httpx.URL(self._collection_url).raw_path

    def _setup_http(
        self, http_client: httpx.Client | httpx.AsyncClient | None, owned: httpx.Client | httpx.AsyncClient
    ) -> None:
        """Remember the httpx client and the per-request arguments that go with it."""
        self._owns_http = http_client is None
        self._http = owned
        # Our own client has the headers and timeout built in; a user's client keeps its own timeout
        # and headers unless timeout= / user_agent= were given explicitly.
        self._request_timeout: Any = (
            self.timeout if (http_client is not None and self._timeout_given) else httpx.USE_CLIENT_DEFAULT
        )
        self._extra_headers: dict[str, str] = {}
        if http_client is not None:
            self._extra_headers[ACCEPT] = JSON_MEDIA_TYPE
            if self._user_agent_given:
                self._extra_headers[USER_AGENT] = self.user_agent
        # The direct send path (issue 14) builds its httpx.Request itself, with what build_request would
        # merge in from our own client: its headers and timeout (it keeps no cookies on that path).
        self._direct_headers: list[tuple[str, str]] | None = None
        self._direct_names: frozenset[str] = frozenset()  # pragma: no mutate - read only with _direct_headers
        self._direct_timeout = self.timeout.as_dict()
        self._urls: dict[str, tuple[httpx.URL, str, str]] = {}
        # Per operation's headers: them with Host and our client's, normalized; whether they name a media type.
        self._header_sets: dict[tuple[object, ...], tuple[httpx.Headers, bool]] = {}
        if self._transport is not None:
            raw = owned.headers.raw
            # Codec names ignore case: "LATIN-1" is the same codec (an equivalent mutant).
            pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]  # pragma: no mutate
            self._direct_headers = pairs
            self._direct_names = frozenset(name.lower() for name, _ in self._direct_headers)

    def _default_headers(self) -> dict[str, str]:
        return {USER_AGENT: self.user_agent, ACCEPT: JSON_MEDIA_TYPE}

    @classmethod
    def from_env(cls, **overrides: Any) -> Self:
        """Build a client from SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET (or SAIL_ACCESS_TOKEN).

        SAIL_API_VERSION is optional (default "v2025"). Keyword arguments override the environment and
        take the constructor's names (``base_url=``, ``access_token=``, ``http_client=``, ...).

        Raises:
            ConfigurationError: naming the missing or malformed variable.
        """
        return cls(**env_kwargs(overrides))

    @classmethod
    def from_config_file(cls, path: str | os.PathLike[str] = "config.json", **overrides: Any) -> Self:
        """Build a client from the config.json that SailPoint's Python SDK reads.

        Keys ``BaseURL``, ``ClientId``, ``ClientSecret``; ``NermBaseUrl`` is ignored. Keyword arguments
        override the file.

        Raises:
            ConfigurationError: naming the missing or malformed key.
        """
        return cls(**config_file_kwargs(path, overrides))

    def __repr__(self) -> str:
        # getattr: a repr must work even on an object whose __init__ raised half-way.
        fields = ("base_url", "api_version", "layout", "auth", "retry", "patch_format")
        shown = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in fields)
        return f"{type(self).__name__}({shown})"

    def _secret_values(self) -> tuple[str, ...]:
        # What a misbehaving server might echo back (the token in use, the client secret): scrubbed
        # from every error we build from a response.
        auth = self.auth
        if isinstance(auth, StaticTokenAuth | ClientCredentialsAuth):
            return auth.secret_values()
        return ()

    # -- request building -------------------------------------------------------------------------

    def _prepare(self, kwargs: dict[str, Any], kind: Expect) -> Prepared:
        headers: dict[str, str] = kwargs["headers"]
        if self._extra_headers:
            headers.update(self._extra_headers)
        path: str = kwargs["url"]
        # Every generated path starts with the collection; the layout decides what stands for it.
        url = self._collection_url + path[len(GENERATED_COLLECTION) :]
        try:
            # Parsing a URL is the largest cost of building a request: the collection's URL (list,
            # create) and recently used ids' URLs are parsed once (a small cache, emptied when full),
            # and checked and written out as text once with them.
            known = self._urls.get(url)
            if known is None:
                known = self._parsed_url(url)
                if len(self._urls) >= _URL_CACHE_SIZE:
                    self._urls.clear()
                self._urls[url] = known
            target, text, host = known
            if self._direct_headers is not None and not self._direct_names.intersection(
                map(str.lower, headers)
            ):
                request = self._direct_request(kwargs["method"], target, host, headers, kwargs.get("json"))
            else:
                request = self._http.build_request(
                    kwargs["method"],  # httpx.Request upper-cases it
                    target,
                    headers=headers,
                    json=kwargs.get("json"),
                    timeout=self._request_timeout,
                )
                # A client of the user's may add its default query parameters: name what goes out.
                text = str(request.url)
        except (TypeError, ValueError, httpx.InvalidURL) as exc:
            raise InvalidRequestError(f"cannot build the request: {type(exc).__name__}: {exc}") from None
        return Prepared(request, kind, text)

    def _direct_request(
        self, method: str, target: httpx.URL, host: str, headers: dict[str, str], body: Any
    ) -> httpx.Request:
        """The request ``build_request`` would make on our own client, for a fraction of its cost (issue 14).

        The same headers in the same order (Host; the client's; the operation's; then the body's length
        and type, as ``httpx.Request`` adds them) and the body encoded as httpx encodes ``json=``, handed
        to ``httpx.Request`` whole (``stream=``), so it neither looks for headers to add nor encodes again.
        The header names never overlap (the caller checks). Each operation's header set is normalized
        once: no bound needed, as every URL has the collection's host and the generated operations send
        three sets of headers between them.
        """
        method = method.upper()
        key: tuple[object, ...] = (host, *headers.items())
        known = self._header_sets.get(key)
        if known is None:
            fixed = httpx.Headers([("Host", host), *(self._direct_headers or ()), *headers.items()])
            typed = "content-type" in fixed  # pragma: no mutate - header names ignore case
            known = self._header_sets[key] = (fixed, typed)
        fixed, typed = known
        if body is None:
            content = b""
            if method in ("POST", "PUT", "PATCH"):  # a write with no body: httpx says so right after Host
                fixed = httpx.Headers([fixed.raw[0], (b"Content-Length", b"0"), *fixed.raw[1:]])
        else:
            content = _encode_like_httpx(body)
        request = httpx.Request(
            method,
            target,
            headers=fixed,
            stream=httpx.ByteStream(content),
            extensions={"timeout": self._direct_timeout},
        )
        if body is not None:
            request.headers["Content-Length"] = str(len(content))
            if not typed:
                request.headers["Content-Type"] = JSON_MEDIA_TYPE
        request.read()  # .content readable, as on a request built with json=: logs and auth flows read it
        return request

    def _parsed_url(self, url: str) -> tuple[httpx.URL, str, str]:
        """``url`` parsed, as httpx writes it, and its Host header; refused unless it stays in the
        collection."""
        target = httpx.URL(url)
        # Belt and braces: whatever the id, the request must stay in the collection (see validate_id).
        # An absolute URL goes out as it is (build_request only merges relative ones with base_url).
        if not target.raw_path.startswith(self._collection_prefix):
            raise InvalidRequestError("the id would take the request outside /sim-integrations")
        host = target.netloc.decode("ascii")  # pragma: no mutate - codec names ignore case
        return target, str(target), host

    def _prepare_list(self) -> Prepared:
        return self._prepare(self._generated.op_list._get_kwargs(), Expect.LIST)

    def _prepare_get(self, id: str) -> Prepared:
        kwargs = self._generated.op_get._get_kwargs(validate_id(id))
        return self._prepare(kwargs, Expect.ONE)

    def _prepare_create(self, details: object) -> Prepared:
        kwargs = self._generated.op_create._get_kwargs(body=coerce_details(details))
        return self._prepare(kwargs, Expect.ONE)

    def _prepare_update(self, id: str, details: object) -> Prepared:
        kwargs = self._generated.op_put._get_kwargs(validate_id(id), body=coerce_details(details))
        return self._prepare(kwargs, Expect.ONE)

    def _prepare_patch(self, id: str, operations: object, *, rule: bool = False) -> Prepared:
        module = self._generated.op_patch_rule if rule else self._generated.op_patch
        body = wire_body(coerce_operations(operations), self.patch_format)
        kwargs = module._get_kwargs(validate_id(id), body=body)
        return self._prepare(kwargs, Expect.ONE)

    def _prepare_delete(self, id: str) -> Prepared:
        kwargs = self._generated.op_delete._get_kwargs(validate_id(id))
        return self._prepare(kwargs, Expect.NOTHING)

    # -- the send loop's I/O-free steps (the loops: _client._call, _async_client._call) ----------------

    def _closed_error(self, call: Call) -> APIConnectionError:
        return APIConnectionError(
            f"the client was closed during {call.method} {call.url}; the call was not completed",
            method=call.method,
            url=call.url,
        )

    def _log_attempt(self, call: Call, response: httpx.Response, body: bytes) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            tracking = tracking_id(response, body)
            logger.debug(
                "%s %s -> %s (attempt %d/%d, trackingId %s)",
                call.method,
                call.url,
                response.status_code,
                call.attempt,
                self.retry.max_attempts,
                tracking or "none",
                extra={"tracking_id": tracking},
            )

    # -- pacing to the rate limit (the waiting itself is the clients': sync or async) --------------

    def _pacing_slot(self, resumed_at: float) -> Slot | None:
        """Reserve the next API request's place under the rate limit (None without a rate limit).

        ``resumed_at``: when the call's last wait (if any) ended on the pacer's clock, so that a wait
        counts as passed even when an injected sleep took no real time.
        """
        if self._pacer is None:
            return None
        key = budget_key(self.auth)
        # resumed_at only raises the reserved time, and ready() raises it to the same resumed_at
        # before the request goes: without it here, nothing changes (an equivalent mutant).
        return self._pacer.reserve(key, resumed_at)  # pragma: no mutate - see above

    def _pacing_wait(self, call: Call, slot: Slot, resumed_at: float) -> float:
        """Seconds to wait before the request of ``slot`` may go (0.0: now); past the deadline, raise."""
        assert self._pacer is not None  # a slot comes from the pacer
        wait = self._pacer.ready(slot, resumed_at)
        if wait <= 0:
            return 0.0
        left = call.remaining()
        # At wait == left, `>=` ends the call the same way: a deadline error now, or after the wait with
        # no time left to send (Call.clamp).
        if left is not None and wait > left:  # pragma: no mutate - see above
            # A wait the deadline cannot cover ends the call now rather than after sleeping in vain.
            raise call.deadline_error(
                f"before the request could be sent ({wait:.2f} s to wait for the rate limit)"
            )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s: waiting %.2f s for the rate limit (%s)", call.method, call.url, wait, self.rate_limit
            )
        return wait

    def _paced(self, slot: Slot | None) -> None:
        """The request of ``slot`` was answered, failed, or was never sent: its window may move on."""
        if slot is not None:
            assert self._pacer is not None  # a slot comes from the pacer
            self._pacer.done(slot)

    def _resume_at(self, wait: float) -> float:
        """When a caller that starts to wait ``wait`` seconds now will wake, on the pacer's clock."""
        if self._pacer is None:
            return -math.inf  # pragma: no mutate - never read without a pacer (no slot to reserve)
        return self._pacer.now() + wait

    def _hold_after_429(self, verdict: Verdict) -> None:
        """A 429 arrived: hold every call of this client until its Retry-After (or the retry's wait).

        A Retry-After beyond ``retry_after_max`` is not held: the call ends with RateLimitError at once,
        and so will the others' (nobody blocks for an hour without knowing).
        """
        if self._pacer is None:
            return
        hold = verdict.delay
        if (
            hold is None
            and verdict.retry_after is not None
            and verdict.retry_after <= self.retry.retry_after_max
        ):
            hold = verdict.retry_after  # the call itself gives up (attempts spent), the others wait
        if hold is not None:
            self._pacer.hold(hold)

    def _log_retry(self, call: Call, reason: str, delay: float, tracking: str | None = None) -> None:
        logger.warning(
            "%s %s failed with %s (attempt %d/%d, trackingId %s); retrying in %.2f s",
            call.method,
            call.url,
            reason,
            call.attempt,
            self.retry.max_attempts,
            tracking or "none",
            delay,
            extra={"tracking_id": tracking},
        )

    def _final(
        self, prepared: Prepared, call: Call, response: httpx.Response, body: bytes, verdict: Verdict
    ) -> Any:
        """The result of the call's last response, or its typed error (with the attempts noted)."""
        status = response.status_code
        if 200 <= status < 300:
            if prepared.kind is Expect.NOTHING:
                return None
            return self._parse_success(prepared, response, body)
        if status == 404 and prepared.method == "DELETE" and call.reached:
            # An earlier attempt may have deleted it (the answer was lost): the retry's 404 is that success.
            logger.warning(
                "%s %s answered 404 on attempt %d after an earlier attempt may have reached the server; "
                "taken as deleted (trackingId %s)",
                call.method,
                call.url,
                call.attempt,
                tracking_id(response, body) or "none",
            )
            return None
        error = self._status_error(prepared, response, body, verdict.retry_after)
        raise note_attempts(error, call)

    def _status_error(
        self, prepared: Prepared, response: httpx.Response, body: bytes, retry_after: float | None
    ) -> APIStatusError:
        secrets = self._secret_values()
        error = make_status_error(
            rebuilt(response, body),
            method=prepared.method,
            url=prepared.url,
            retry_after=retry_after,
            secrets=secrets,
        )
        if 300 <= error.status_code < 400:
            location = redact_text(response.headers.get(LOCATION, "(none)"), secrets)
            # The server's messages stay as sent; the line says why nothing followed.
            error.args = (f"{error}; redirect to {one_line(location)[:200]} not followed (never are)",)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s failed: status %s, trackingId %s",
                prepared.method,
                prepared.url,
                error.status_code,
                error.tracking_id,
                extra={"tracking_id": error.tracking_id},
            )
        return error

    # -- response mapping -------------------------------------------------------------------------

    def _parse_success(self, prepared: Prepared, response: httpx.Response, content: bytes) -> Any:
        try:
            data = json.loads(content)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise self._unreadable(
                prepared, response, content, f"body is not JSON ({type(exc).__name__})"
            ) from None
        dto = self._generated.ServiceDeskIntegrationDto
        try:
            if prepared.kind is Expect.LIST:
                if not isinstance(data, list):
                    raise self._unreadable(prepared, response, content, f"expected {prepared.kind.value}")
                result: list[ServiceDeskIntegrationDto] = []
                for index, item in enumerate(data):
                    if not isinstance(item, dict):
                        raise self._unreadable(
                            prepared, response, content, f"item {index} is not a JSON object"
                        )
                    result.append(dto.from_dict(item))
                return result
            if not isinstance(data, dict):
                raise self._unreadable(prepared, response, content, f"expected {prepared.kind.value}")
            return dto.from_dict(data)
        except UnreadableResponseError:
            raise
        except Exception as exc:  # from_dict raises KeyError/ValueError/TypeError/AttributeError on surprises
            raise self._unreadable(
                prepared,
                response,
                content,
                f"does not fit ServiceDeskIntegrationDto ({type(exc).__name__}: {one_line(str(exc))[:120]})",
            ) from None

    def _unreadable(
        self, prepared: Prepared, response: httpx.Response, content: bytes, reason: str
    ) -> UnreadableResponseError:
        return UnreadableResponseError(
            reason,
            status_code=response.status_code,
            content_type=response.headers.get(CONTENT_TYPE, ""),
            body_excerpt=redacted_excerpt(content, self._secret_values()),
            method=prepared.method,
            url=prepared.url,
        )
