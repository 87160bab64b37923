"""The curated public surface: names others code against, and the exception tree."""

from __future__ import annotations

import inspect

import sailpoint_sim
from sailpoint_sim import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SailPointError,
    ServerError,
    SimIntegrationsClient,
    UnexpectedStatusError,
    UnreadableResponseError,
)

REQUIRED = {
    "SimIntegrationsClient",
    "AsyncSimIntegrationsClient",
    "RetryPolicy",
    "RateLimit",
    "DEFAULT_RATE_LIMIT",
    "PatchFormat",
    "details_from",
    "patch",
    "SailPointError",
    "ConfigurationError",
    "InvalidRequestError",
    "APIConnectionError",
    "APITimeoutError",
    "UnreadableResponseError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "UnexpectedStatusError",
    "__version__",
}
METHODS = [
    "list",
    "get",
    "create",
    "update",
    "patch",
    "patch_before_provisioning_rule",
    "delete",
    "export",
    "export_data",
    "plan",
    "apply",
]


def test_exported_names() -> None:
    assert set(sailpoint_sim.__all__) >= REQUIRED
    for name in sailpoint_sim.__all__:
        assert hasattr(sailpoint_sim, name), name


def test_patch_module_helpers() -> None:
    for name in ("add", "remove", "replace", "move", "copy", "test"):
        assert callable(getattr(sailpoint_sim.patch, name))


def test_patch_is_a_public_module_holding_only_what_users_call() -> None:
    # It used to be the private _patch re-exported: dir() showed math, enum, wire_body, _check_json...
    assert sailpoint_sim.patch.__name__ == "sailpoint_sim.patch"
    # (pytest's assertion rewriting adds "@py_builtins" to every module of an installed plugin's package.)
    public = {name for name in dir(sailpoint_sim.patch) if name.isidentifier() and not name.startswith("_")}
    assert public == {"PatchFormat", "add", "copy", "move", "remove", "replace", "test"}
    assert set(sailpoint_sim.patch.__all__) == public
    assert sailpoint_sim.patch.PatchFormat is sailpoint_sim.PatchFormat


def test_exception_tree() -> None:
    for cls in (
        ConfigurationError,
        InvalidRequestError,
        APIConnectionError,
        UnreadableResponseError,
        APIStatusError,
    ):
        assert issubclass(cls, SailPointError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(sailpoint_sim.ResponseTooLargeError, UnreadableResponseError)
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        RateLimitError,
        ServerError,
        UnexpectedStatusError,
    ):
        assert issubclass(cls, APIStatusError)


def test_sync_and_async_have_the_same_surface() -> None:
    sync_init = inspect.signature(SimIntegrationsClient.__init__)
    async_init = inspect.signature(AsyncSimIntegrationsClient.__init__)
    assert list(sync_init.parameters) == list(async_init.parameters)
    for name in METHODS:
        sync_method = getattr(SimIntegrationsClient, name)
        async_method = getattr(AsyncSimIntegrationsClient, name)
        assert not inspect.iscoroutinefunction(sync_method)
        assert inspect.iscoroutinefunction(async_method)
        assert list(inspect.signature(sync_method).parameters) == list(
            inspect.signature(async_method).parameters
        )
    assert hasattr(SimIntegrationsClient, "from_env") and hasattr(
        AsyncSimIntegrationsClient, "from_config_file"
    )


def test_public_names_have_docstrings() -> None:
    for name in sailpoint_sim.__all__:
        obj = getattr(sailpoint_sim, name)
        if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismodule(obj):
            assert obj.__doc__, name
    for name in METHODS:
        assert getattr(SimIntegrationsClient, name).__doc__, name


def test_importing_the_package_loads_nothing_beyond_httpx_and_the_standard_library() -> None:
    # Import time is a benchmark row (issue 14): attrs, the generated models and asyncio wait for the
    # first call that needs them. Run in a fresh interpreter so that nothing this test run loaded counts.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import httpx\n"
        "before = set(sys.modules)\n"
        "import sailpoint_sim\n"
        "print(sorted({name.split('.')[0] for name in set(sys.modules) - before} - set(sys.stdlib_module_names)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['sailpoint_sim']", result.stderr
