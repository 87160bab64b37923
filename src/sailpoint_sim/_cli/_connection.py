"""The client a command talks through, built from the connection options and the environment."""

from __future__ import annotations

import argparse
from typing import Any

import httpx

from .._client import SimIntegrationsClient
from .._errors import SailPointError
from .._retry import RetryPolicy
from ._exit import UsageError

__all__ = ["client_from_args"]

# Connection options passed to the client as they are, when given.
_PASSED_AS_IS = ("base_url", "client_id", "client_secret", "access_token", "api_version", "layout", "timeout")


def client_from_args(args: argparse.Namespace, **overrides: Any) -> SimIntegrationsClient:
    """``SimIntegrationsClient.from_env`` with the connection options given on the command line.

    ``overrides`` are a command's own client settings (``patch_format=...``); flags win over the
    ``SAIL_*`` variables, which from_env reads for the rest.
    """
    for name in _PASSED_AS_IS:
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "max_retries", None) is not None:
        overrides["retry"] = RetryPolicy(max_retries=args.max_retries)
    if getattr(args, "allow_insecure_http", False):
        overrides["allow_insecure_http"] = True
    try:
        return SimIntegrationsClient.from_env(**overrides)
    except SailPointError:
        raise  # ConfigurationError names the setting itself
    except (httpx.InvalidURL, ValueError) as exc:
        # httpx refuses some URLs itself (an IDN host it cannot encode, a NUL): still a setting.
        raise UsageError(f"invalid connection setting: {exc}") from None
