"""Doctor against a TLS server whose certificate does not verify, and a token whose scope claim is encoded."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sailpoint_sim._doctor import EXIT_OK, EXIT_TRANSPORT, Access, Status, run_doctor
from sailpoint_sim.testing import SCOPE_ALL, FakeSimService


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[int]:
    """A TLS listener on loopback presenting a self-signed certificate; it answers no HTTP at all."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    port = listener.getsockname()[1]

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        # The client refuses the certificate (that is the point): the handshake fails on this side too.
        with conn, contextlib.suppress(OSError, ssl.SSLError):
            context.wrap_socket(conn, server_side=True).close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        listener.close()
        thread.join(10)


def test_certificate_that_does_not_verify_is_a_transport_error(tls_server: int) -> None:
    report = run_doctor(
        environ={"SAIL_BASE_URL": f"https://localhost:{tls_server}", "SAIL_ACCESS_TOKEN": "t0ken"}
    )

    assert report.exit_code == EXIT_TRANSPORT
    assert report.check("connect").status is Status.OK
    tls = report.check("tls")
    assert tls.status is Status.FAIL
    assert "certificate does not verify" in tls.summary and "self-signed" in tls.summary
    assert report.reason is not None and report.reason.startswith("TLS: ")
    assert report.check("token").status is Status.SKIPPED


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_encoded_scope_claim_is_shown_as_is_and_reading_is_proven_by_the_list_call() -> None:
    # SailPoint's compact form: the claim names no scope doctor could check (tenant-facts.md).
    claims = {"org": "acme", "pod": "stg01", "authorities": ["ORG_ADMIN"], "scope": ["FA=="], "jti": "j-1"}
    token = ".".join((b64url(b'{"alg":"RS256"}'), b64url(json.dumps(claims).encode()), b64url(b"sig")))
    fake = FakeSimService()
    fake.add_token(token, scopes=[SCOPE_ALL])
    with fake.serve() as server:
        report = run_doctor(environ={"SAIL_BASE_URL": server.url, "SAIL_ACCESS_TOKEN": token})

    assert report.exit_code == EXIT_OK
    assert report.token is not None and report.token.scopes == ("FA==",)
    assert dict(report.token.claims) == {"org": "acme", "pod": "stg01", "authorities": ["ORG_ADMIN"]}
    scopes = report.check("scopes")
    assert "FA==" in scopes.summary and "unknown" in scopes.summary
    # Reading is proven by the list call; writing stays unknown (doctor never writes to find out).
    assert (report.read, report.write) == (Access.YES, Access.UNKNOWN)
    text = json.dumps(report.to_dict())
    assert token not in text and "j-1" not in text  # neither the token nor the whole payload
    assert fake.writes == []
