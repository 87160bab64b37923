"""Python client for SailPoint Identity Security Cloud's v2025 SIM Integrations API."""

from ._version import __version__

__all__ = ["__version__"]
