"""Loading the project's scripts (``scripts/*.py``) as modules, for tests of their functions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


def load_script(file_name: str, module_name: str) -> ModuleType:
    """``scripts/<file_name>`` imported under ``module_name``: the scripts are run by path, not packaged,
    so they are loaded from their file rather than found on ``sys.path``. The module is registered in
    ``sys.modules`` before it runs, as dataclasses look their module up while being created."""
    spec = importlib.util.spec_from_file_location(module_name, SCRIPTS / file_name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
