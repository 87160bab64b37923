"""Running test workers on threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def run_in_threads(targets: Iterable[Callable[[], object]]) -> None:
    """Start one thread per target, all before any is joined, then wait for every one of them."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
