"""Fixtures of the contract tests: the fragment and the generated package it is checked against."""

from __future__ import annotations

from types import ModuleType

import pytest
import sailpoint_sim_client

from .sim_contract import Contract, load_contract


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The committed fragment, ready to validate against."""
    return load_contract()


@pytest.fixture(scope="session")
def package() -> ModuleType:
    """The committed generated package."""
    module: ModuleType = sailpoint_sim_client
    return module
