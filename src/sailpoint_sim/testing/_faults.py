"""The faults injected into the fake service, and which one a request draws."""

from __future__ import annotations

import threading

from ._model import Fault


class FaultBook:
    """Registered faults, tried in the order they were added. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def __len__(self) -> int:
        return len(self._faults)

    def add(self, fault: Fault) -> Fault:
        """Register ``fault``; returns it."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def all(self) -> list[Fault]:
        """Every registered fault, spent ones included."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def draw(self, method: str, path: str, operation: str | None) -> Fault | None:
        """The first fault matching the request that has uses left, now spent once; or None."""
        with self._lock:
            for fault in self._faults:
                if fault.times != 0 and fault.matches(method, path, operation):
                    fault.fired += 1
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None
