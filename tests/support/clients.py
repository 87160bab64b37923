"""Calling the sync and the async client the same way, so one test body covers both."""

from __future__ import annotations

import inspect
from typing import Any

from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient


async def maybe_await(value: Any) -> Any:
    """``value``, awaited first when it is awaitable."""
    return await value if inspect.isawaitable(value) else value


class EitherClient:
    """Wraps a sync or async client: every method becomes a coroutine function (``await c.get(id)``),
    which awaits the client's result only when that result is awaitable."""

    def __init__(self, inner: SimIntegrationsClient | AsyncSimIntegrationsClient) -> None:
        self.inner = inner

    @property
    def is_async(self) -> bool:
        """Whether the wrapped client is the async one."""
        return isinstance(self.inner, AsyncSimIntegrationsClient)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await maybe_await(method(*args, **kwargs))

        return call
