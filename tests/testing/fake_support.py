"""Helpers shared by the fake service's tests (a module of its own: conftest modules are not importable
reliably when several directories have one)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService

PATCH_TYPE = "application/json-patch+json"
# The client-credentials form the fake accepts by default.
GOOD_FORM = {
    "grant_type": "client_credentials",
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
}


@dataclass
class Api:
    """A fake, an httpx client talking to it, and a valid token."""

    fake: FakeSimService
    client: httpx.Client
    carrier: str
    token: str
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers=self.headers)

    def post(self, path: str, body: object) -> httpx.Response:
        return self.client.post(path, headers=self.headers, json=body)

    def put(self, path: str, body: object) -> httpx.Response:
        return self.client.put(path, headers=self.headers, json=body)

    def delete(self, path: str) -> httpx.Response:
        return self.client.delete(path, headers=self.headers)

    def patch(self, path: str, body: object) -> httpx.Response:
        return self.client.patch(path, headers={**self.headers, "Content-Type": PATCH_TYPE}, json=body)

    def create(self, body: dict[str, object] | None = None) -> dict[str, object]:
        response = self.post("/v2025/sim-integrations", body or {"name": "Test integration"})
        assert response.status_code == 200, response.text
        result: dict[str, object] = response.json()
        return result
