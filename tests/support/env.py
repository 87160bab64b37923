"""SailPoint's SAIL_* environment variables under a test's control."""

from __future__ import annotations

import os

import pytest


def clear_sail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every SAIL_* variable, so none from the developer's shell reaches a test."""
    for name in list(os.environ):
        if name.startswith("SAIL_"):
            monkeypatch.delenv(name)


def set_sail_env(monkeypatch: pytest.MonkeyPatch, base_url: str, client_id: str, client_secret: str) -> None:
    """Configure the CLI through SailPoint's variables alone, as a user would (client credentials)."""
    clear_sail_env(monkeypatch)
    monkeypatch.setenv("SAIL_BASE_URL", base_url)
    monkeypatch.setenv("SAIL_CLIENT_ID", client_id)
    monkeypatch.setenv("SAIL_CLIENT_SECRET", client_secret)
