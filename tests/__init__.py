"""The project's test suites, one package per folder (imports between them read ``from tests.support import ...``)."""
