"""What the test suites share: import as ``from tests.support.clients import EitherClient``.

Every folder under ``tests/`` is a package (``tests`` included), so pytest's default import mode puts
the project root on ``sys.path`` and names each test module by its dotted path (``tests.unit.conftest``,
``tests.cli.test_cli``): same-named modules in different folders do not clash, and helpers are imported
through the package, never by editing ``sys.path``."""
