"""`doctor`: a read-only check of a real setup, returned as a typed report (the CLI prints it).

What it does, in order, each step skipped with a reason when an earlier one makes it pointless:

1. **settings**: resolves base URL, credentials, API version, layout and timeout the way the clients do
   (flags over the environment; ``config.json`` instead of the environment's URL and credentials when a
   file is given) and records where each came from. Secrets are shown only as ``***``.
2. **dns**, **connect**, **tls**: the host resolves, accepts a TCP connection, and (for https) completes a
   TLS handshake that verifies with the clients' own CA bundle.
3. **token**: one client-credentials exchange (time taken, ``expires_in``); the token's claims are read,
   never verified, when it is a JWT: only a few named claims are kept (the scope claim among them), never
   the token or the whole payload.
4. **scopes**: whether the scope claim allows reading and writing SIM integrations. SailPoint may encode the
   claim (a bitmap such as ``FA==``): what is there is shown as is, and an unreadable claim is "unknown".
   Writing is never tried.
5. **layouts**: a list call (GET) under each path layout, the configured one first.
6. **header**: the same list call without ``X-SailPoint-Experimental``: a 400 means it is required.
7. **clock**: the skew between the ``Date`` headers seen and this machine's clock.
8. **rate-limit**: every rate-limit header seen (names containing ``ratelimit``/``rate-limit``,
   ``Retry-After``).

Modules (imports only go down this list): ``_report`` (the typed report), ``_claims`` (JWT claims and
scopes), ``_settings`` (sources and validation), ``_probe`` (the recorder every check reports to),
``_network`` (DNS, connect, TLS), ``_checks`` (the HTTP checks), ``_run`` (``run_doctor``).

Nothing is written to the tenant: the only requests are the token POST and GETs of the SIM list endpoints.
The report's ``exit_code`` follows the CLI's table: 0 when the configured setup can list integrations,
2 for configuration, 3 when the service refuses (token, scope, layout), 4 for transport failures.
"""

from ._claims import SCOPE_ALL, SCOPE_MANAGE, SCOPE_READ, access_from_scopes, read_jwt_claims, scope_values
from ._report import (
    EXIT_API_ERROR,
    EXIT_CONFIGURATION,
    EXIT_OK,
    EXIT_TRANSPORT,
    Access,
    Check,
    DoctorReport,
    LayoutProbe,
    Setting,
    Status,
    TokenFacts,
)
from ._run import run_doctor

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CONFIGURATION",
    "EXIT_OK",
    "EXIT_TRANSPORT",
    "SCOPE_ALL",
    "SCOPE_MANAGE",
    "SCOPE_READ",
    "Access",
    "Check",
    "DoctorReport",
    "LayoutProbe",
    "Setting",
    "Status",
    "TokenFacts",
    "access_from_scopes",
    "read_jwt_claims",
    "run_doctor",
    "scope_values",
]
