"""A client library for accessing SailPoint SIM Integrations"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
