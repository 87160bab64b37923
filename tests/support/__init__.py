"""What the test suites share: import as ``from support.clients import EitherClient`` (``tests/`` is on
``sys.path`` through the root conftest, as pytest's default import mode puts it there)."""
