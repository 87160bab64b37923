"""No access token or client secret ever appears in logs, reprs, str(), exception messages or CLI output.

One long run against the fake service over loopback, with known secret values: both clients, client
credentials and a static token, every endpoint, token expiry and renewal, retries after 503 and 429,
broken connections, unreadable bodies, wrong credentials, a token endpoint that echoes the secret back,
configuration errors from arguments, the environment and config.json, and the command-line tool at
``-vv``. Everything is captured: every log record of every logger at DEBUG (httpx and httpcore
included), ``repr``/``str`` of every object involved, every exception with its whole chain and
traceback text, and the CLI's stdout and stderr. The scan then looks for the client secret, the static
token, every token the fake issued during the run (recorded as it issues them), and anything shaped
like a JWT.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    RetryPolicy,
    SailPointError,
    SimIntegrationsClient,
    details_from,
)
from sailpoint_sim import patch as jp
from sailpoint_sim._cli import main as cli_main
from sailpoint_sim.testing import FakeServer, FakeSimService
from sailpoint_sim.testing import _tokens as fake_tokens

from .security_figures import OTHER_FIGURES

CLIENT_ID = "scan-client-id"
CLIENT_SECRET = "cs-KNOWN-secret-5f3a9e0b7c"
STATIC_TOKEN = "at-KNOWN-static-token-91c2d7e4"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")


class Capture(logging.Handler):
    """Keeps every formatted record (message, arguments, exception text) of every logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))
        self.texts.append(repr(record.args))


class Scan:
    """Everything captured during the run, and the secrets to look for."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []  # (where, text)
        self.issued: list[str] = []
        self.exceptions = 0
        self.objects = 0
        self.log = Capture()

    def everything(self) -> list[tuple[str, str]]:
        """What was seen, plus every log record captured so far."""
        return self.texts + [("log", text) for text in self.log.texts]

    def see(self, where: str, *objects: Any) -> None:
        for obj in objects:
            self.objects += 1
            self.texts.append((where, repr(obj)))
            self.texts.append((where, str(obj)))

    def error(self, where: str, exc: BaseException) -> None:
        self.exceptions += 1
        self.texts.append((where, "".join(traceback.format_exception(exc))))
        chain: BaseException | None = exc
        while chain is not None:
            self.see(where, chain, *chain.args)
            for attribute in ("messages", "headers", "body", "url", "body_excerpt", "reason"):
                if hasattr(chain, attribute):
                    self.see(f"{where}.{attribute}", getattr(chain, attribute))
            chain = chain.__cause__ or chain.__context__

    def expect_error(self, where: str, call: Callable[[], Any]) -> SailPointError:
        try:
            call()
        except SailPointError as exc:
            self.error(where, exc)
            return exc
        raise AssertionError(f"{where}: no error")

    def secrets(self) -> list[str]:
        return [CLIENT_SECRET, STATIC_TOKEN, *self.issued]

    def leaks(self) -> list[str]:
        found = []
        for where, text in self.everything():
            for secret in self.secrets():
                if secret in text:
                    found.append(f"{where}: contains {secret[:6]}…")
            if JWT.search(text):
                found.append(f"{where}: contains a JWT-shaped token")
        return found


@pytest.fixture
def scan(monkeypatch: pytest.MonkeyPatch) -> Iterator[Scan]:
    """A Scan wired to the root logger at DEBUG and to the fake's token factory."""
    result = Scan()
    # Every token the fake issues is recorded, so the scan knows each one; fail loudly if that hook moved.
    make = getattr(fake_tokens, "make_token", None)
    assert callable(make), "sailpoint_sim.testing._tokens.make_token (the fake's token factory) moved"

    def recording(*args: Any) -> str:
        token: str = make(*args)
        result.issued.append(token)
        return token

    monkeypatch.setattr(fake_tokens, "make_token", recording)
    handler = result.log
    root = logging.getLogger()
    saved = (
        root.level,
        {name: logging.getLogger(name).level for name in ("sailpoint_sim", "httpx", "httpcore")},
    )
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved[1]:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield result
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def served() -> Iterator[tuple[FakeSimService, FakeServer]]:
    fake = FakeSimService(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    fake.add_token(STATIC_TOKEN)
    fake.seed(2)
    with fake.serve(port=0) as server:
        yield fake, server


def no_wait() -> RetryPolicy:
    """Retries as configured by default, without the real sleeping."""

    async def nap(_: float) -> None:
        return None

    return RetryPolicy(max_retries=2, sleep=lambda _: None, async_sleep=nap)


def exercise_sync(scan: Scan, fake: FakeSimService, url: str, **credentials: Any) -> None:
    """Every endpoint and the interesting failures, on the sync client."""
    with SimIntegrationsClient(url, **credentials, retry=no_wait()) as client:
        scan.see("sync client", client, client.auth, client.retry)
        first = client.list()[0]
        assert isinstance(first.id, str)
        created = client.create({"name": "scan", "attributes": {"password": "not-a-secret"}})
        assert isinstance(created.id, str)
        ident = created.id  # narrowed to str for the lambdas below
        scan.see("sync results", first, created)
        client.update(created.id, details_from(client.get(created.id)))
        client.patch(created.id, [jp.add("/description", "d")])
        client.patch_before_provisioning_rule(created.id, [jp.add("/id", "rule")])
        fake.expire_tokens()  # the next call renews (client credentials) or fails (static token)
        if "client_secret" in credentials:
            client.get(created.id)
        fake.add_token(STATIC_TOKEN)
        fake.inject(status=503, operation="getSIMIntegrations")
        fake.inject(status=429, retry_after=0, operation="getSIMIntegrations")
        client.list()
        scan.expect_error("sync 404", lambda: client.get("no-such-id"))
        fake.inject("reset", operation="createSIMIntegration")
        scan.expect_error("sync reset", lambda: client.create({"name": "x"}))
        fake.inject("truncated_json", operation="getSIMIntegration")
        scan.expect_error("sync truncated", lambda: client.get(ident))
        fake.inject(status=500, operation="deleteSIMIntegration", when="after")
        scan.expect_error("sync 500", lambda: client.delete(ident))
        scan.expect_error("sync bad input", lambda: client.patch(ident, [{"op": "nope", "path": "x"}]))


async def exercise_async(scan: Scan, fake: FakeSimService, url: str, **credentials: Any) -> None:
    """The same on the async client."""
    async with AsyncSimIntegrationsClient(url, **credentials, retry=no_wait()) as client:
        scan.see("async client", client, client.auth, client.retry)
        created = await client.create({"name": "scan-async"})
        assert isinstance(created.id, str)
        await client.update(created.id, details_from(await client.get(created.id)))
        await client.patch(created.id, [jp.add("/description", "d")])
        await client.patch_before_provisioning_rule(created.id, [jp.add("/name", "rule")])
        fake.expire_tokens()
        if "client_secret" in credentials:
            await client.list()
        fake.add_token(STATIC_TOKEN)
        fake.inject(status=502, operation="getSIMIntegration")
        await client.get(created.id)
        await client.delete(created.id)
        try:
            await client.delete(created.id)
        except SailPointError as exc:
            scan.error("async 404", exc)
        fake.inject("reset_mid_body", operation="patchSIMAttributes", when="after")
        try:
            await client.patch("x", [jp.remove("/description")])
        except SailPointError as exc:
            scan.error("async mid-body", exc)


def test_no_secret_anywhere(
    scan: Scan,
    served: tuple[FakeSimService, FakeServer],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fake, server = served
    url = server.url
    cc: dict[str, Any] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    scan.see("fake", fake, server)

    # Both clients, both kinds of credentials.
    exercise_sync(scan, fake, url, **cc)
    exercise_sync(scan, fake, url, access_token=STATIC_TOKEN)
    asyncio.run(exercise_async(scan, fake, url, **cc))
    asyncio.run(exercise_async(scan, fake, url, access_token=STATIC_TOKEN))

    # Wrong credentials, a token endpoint that echoes the secret, a revoked static token.
    with SimIntegrationsClient(url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET + "-wrong") as client:
        scan.expect_error("wrong secret", client.list)
    fake.inject(
        status=400,
        operation="token",
        body={"error": "invalid_client", "error_description": f"secret {CLIENT_SECRET} is not valid"},
    )
    with SimIntegrationsClient(url, **cc) as client:
        scan.expect_error("echoing token endpoint", client.list)
    fake.revoke_token(STATIC_TOKEN)
    with SimIntegrationsClient(url, access_token=STATIC_TOKEN) as client:
        scan.expect_error("revoked static token", client.list)
    fake.add_token(STATIC_TOKEN)

    # Configuration errors, from arguments, the environment and config.json.
    scan.expect_error("missing id", lambda: SimIntegrationsClient(url, client_secret=CLIENT_SECRET))
    scan.expect_error(
        "both kinds",
        lambda: SimIntegrationsClient(url, access_token=STATIC_TOKEN, client_secret=CLIENT_SECRET),
    )
    scan.expect_error(
        "bad url", lambda: SimIntegrationsClient(f"https://x:{CLIENT_SECRET}@h.example.com", **cc)
    )
    scan.expect_error("token in header", lambda: SimIntegrationsClient(url, access_token=STATIC_TOKEN + "\n"))
    monkeypatch.setenv("SAIL_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SAIL_ACCESS_TOKEN", STATIC_TOKEN)
    monkeypatch.delenv("SAIL_CLIENT_ID", raising=False)
    monkeypatch.setenv("SAIL_BASE_URL", url)
    scan.expect_error("from_env", SimIntegrationsClient.from_env)
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"BaseURL": "ftp://nope", "ClientId": CLIENT_ID, "ClientSecret": CLIENT_SECRET})
    )
    scan.expect_error("config.json", lambda: SimIntegrationsClient.from_config_file(str(config)))

    # The command-line tool at -vv, with the secret in the environment and on the command line.
    monkeypatch.setenv("SAIL_CLIENT_ID", CLIENT_ID)
    monkeypatch.delenv("SAIL_ACCESS_TOKEN")
    details = tmp_path / "details.json"
    details.write_text(json.dumps({"name": "from the cli"}))
    ident = next(iter(fake.integrations))
    codes = [
        cli_main(["-vv", "list"]),
        cli_main(["-vv", "get", ident]),
        cli_main(["-vv", "create", str(details)]),
        cli_main(["-vv", "update", ident, str(details)]),
        cli_main(["-vv", "patch", ident, "--add", "/description=cli"]),
        cli_main(["-vv", "patch-rule", ident, "--add", "/id=rule"]),
        cli_main(["-vv", "get", "no-such-id"]),
        cli_main(["-vv", "delete", ident]),
        cli_main(["-vv", "--client-secret", CLIENT_SECRET + "-wrong", "--client-id", CLIENT_ID, "list"]),
        cli_main(["-vv", "--access-token", STATIC_TOKEN, "list"]),
        cli_main(["-vv", "--client-secrt", CLIENT_SECRET, "list"]),
        cli_main(["-vv", "--base-url", f"https://u:{CLIENT_SECRET}@x.example.com", "list"]),
    ]
    out, err = capsys.readouterr()
    scan.texts += [("cli stdout", out), ("cli stderr", err)]
    assert codes[:6] == [0] * 6 and codes[6] == 3 and codes[7] == 0 and codes[8] == 3 and codes[9] == 0
    assert codes[10] == 2 and codes[11] == 2

    # The scan is not vacuous: tokens were issued and used, logs were written, errors were seen, and
    # the scanner finds a secret when one is there.
    assert len(scan.issued) >= 4, "the fake issued fewer tokens than the run needs"
    assert scan.exceptions >= 15
    assert len(scan.log.texts) > 200
    probe = Scan()
    probe.issued = scan.issued
    probe.texts = [("probe", f"Bearer {scan.issued[-1]}"), ("probe", CLIENT_SECRET)]
    assert len(probe.leaks()) >= 3

    leaks = scan.leaks()
    log_records = len(scan.log.texts) // 2
    OTHER_FIGURES["secret scan"] = (
        f"secret scan: {log_records} log records, {scan.objects} reprs/str()s, {scan.exceptions} exceptions "
        f"(with chains and tracebacks), {len(codes)} CLI runs; {len(scan.secrets())} secret values "
        f"looked for, {len(leaks)} found"
    )
    assert leaks == [], "\n".join(leaks[:20])


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_api_error_echoing_the_token_is_scrubbed(
    kind: str, scan: Scan, served: tuple[FakeSimService, FakeServer]
) -> None:
    # A misbehaving gateway that quotes the Authorization header back in its error body.
    fake, server = served
    echo = {"detailCode": "400.0", "messages": [{"text": f"bad header: Bearer {STATIC_TOKEN}"}]}
    fake.inject(status=400, operation="getSIMIntegrations", body=echo)
    fake.inject(status=500, operation="getSIMIntegrations", body=f"upstream saw Bearer {STATIC_TOKEN}")

    async def go() -> None:
        async with AsyncSimIntegrationsClient(
            server.url, access_token=STATIC_TOKEN, retry=no_wait()
        ) as client:
            for _ in range(2):
                try:
                    await client.list()
                except SailPointError as exc:
                    scan.error("async echo", exc)

    if kind == "sync":
        with SimIntegrationsClient(server.url, access_token=STATIC_TOKEN, retry=no_wait()) as client:
            scan.expect_error("sync echo 400", client.list)
            scan.expect_error("sync echo 500", client.list)
    else:
        asyncio.run(go())
    # With client credentials: the token the fake issued, and the client secret, echoed back.
    with SimIntegrationsClient(
        server.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, retry=no_wait()
    ) as client:
        client.list()
        issued = scan.issued[-1]
        fake.inject(
            status=403,
            operation="getSIMIntegrations",
            body={"messages": [{"text": f"token {issued} for secret {CLIENT_SECRET} refused"}]},
        )
        scan.expect_error("cc echo 403", client.list)
    assert scan.exceptions == 3
    leaks = scan.leaks()
    assert leaks == [], "\n".join(leaks[:10])
