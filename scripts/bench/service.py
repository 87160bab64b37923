"""The loopback fake service every client talks to, in a child process, driven through /__fake__/."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Service:
    """A running ``python -m sailpoint_sim.testing`` and its admin endpoints."""

    def __init__(self, url: str, token: str, process: subprocess.Popen[str]) -> None:
        self.url = url
        self.token = token
        self.process = process

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call a /__fake__ admin endpoint (POST with ``body``, GET without); returns its JSON answer."""
        request = urllib.request.Request(
            f"{self.url}/__fake__/{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def seed(self, count: int) -> list[str]:
        """Add ``count`` integrations (deterministic ids); returns their ids."""
        ids: list[str] = self.admin("seed", {"count": count})["ids"]
        return ids

    def set_latency(self, seconds: float) -> None:
        """Latency the service adds before every answer."""
        self.admin("config", {"latency": seconds})

    def new_token(self) -> str:
        """A fresh access token the service accepts: a rate limit is per token, so each bulk run gets
        one with its whole budget, whatever the run before it spent."""
        token = secrets.token_urlsafe(24)
        self.admin("tokens", {"token": token})
        return token

    def rate_limited(self) -> int:
        """How many requests the service has answered 429 so far."""
        stats: dict[str, Any] = self.admin("stats")
        count = stats.get("rate_limited", stats.get("rateLimited"))
        if not isinstance(count, int):
            raise RuntimeError("the fake service's stats carry no count of 429s (rate_limited)")
        return count


@contextmanager
def fake_service(rate_limit: tuple[int, float] | None = None) -> Iterator[Service]:
    """Start the fake on 127.0.0.1 (a free port) and stop it afterwards.

    ``rate_limit``: (requests, per seconds) the fake allows each token, answering 429 beyond it.
    """
    token = secrets.token_urlsafe(24)  # handed to workers in their spec; never printed
    command = [
        *(sys.executable, "-m", "sailpoint_sim.testing", "--host", "127.0.0.1", "--port", "0"),
        "--no-record",  # a benchmark sends hundreds of thousands of requests
        *("--delete-status", "200"),  # what the spec documents
        *("--token-ttl", "86400", f"--token={token}"),  # "=": a token may start with "-"
    ]
    if rate_limit is not None:
        command += ["--rate-limit", f"{rate_limit[0]}/{rate_limit[1]:g}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"bench: the fake service did not start (exit {process.poll()})")
        yield Service(url, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
