"""Where requests go: the collection URL of each path layout, and ids that stay one path segment.

The generated operations know the v2025 fragment's paths (``/sim-integrations``, ``/sim-integrations/{id}``,
``/sim-integrations/{id}/beforeProvisioningRule``); the layout decides what stands in for
``/sim-integrations`` on the wire. Nothing else differs between the layouts.
"""

from __future__ import annotations

from typing import Final

from ._config import Layout
from ._errors import InvalidRequestError

__all__ = ["GENERATED_COLLECTION", "collection_url", "validate_id"]

# The collection path every generated operation's URL starts with.
GENERATED_COLLECTION: Final = "/sim-integrations"


def collection_url(root: str, layout: Layout, api_version: str) -> str:
    """The URL that replaces the generated ``/sim-integrations`` for this tenant root and layout."""
    if layout is Layout.PER_RESOURCE:
        return f"{root}/sim-integrations/v1"
    return f"{root}/{api_version}/sim-integrations"


def validate_id(value: object) -> str:
    """Return an integration id that is safe to put in the path, or raise InvalidRequestError.

    The generated code percent-encodes the id as one segment (``quote(id, safe="")``), so ``/``, ``?``,
    ``#`` and ``%`` cannot leave it. ``.`` and ``..`` are refused: they are left as they are by
    percent-encoding, and URL normalisation (httpx's included) would turn them into "this" and "the
    parent" path, sending the request to a different resource.
    """
    if not isinstance(value, str):
        raise InvalidRequestError(f"id must be a string, got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("id must not be empty")
    if value in (".", ".."):
        raise InvalidRequestError(f"id {value!r} is not a valid integration id")
    if not value.isascii():
        try:
            value.encode()  # str.encode's codec is always UTF-8
        except UnicodeEncodeError:
            # Lone surrogates: no URL can carry them (percent-encoding needs UTF-8 bytes).
            raise InvalidRequestError(f"id {value!r} is not valid Unicode text") from None
    return value
