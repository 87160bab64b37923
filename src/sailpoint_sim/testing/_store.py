"""The fake service's in-memory store of integrations, and the log of the writes applied to it.

Each stored integration keeps its JSON encoding, so reads cost no serialisation and a list costs one
join, whatever the number of integrations. One lock guards the store and its write log together, so the
log's order is the order in which writes were applied.
"""

from __future__ import annotations

import copy
import datetime as _dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _replies
from ._model import AppliedWrite
from ._tokens import new_id

READ_ONLY = ("id", "created", "modified")


@dataclass(frozen=True)
class Entry:
    """A stored integration, with its JSON encoding."""

    doc: dict[str, Any]
    raw: bytes
    created: _dt.datetime
    modified: _dt.datetime


@dataclass(frozen=True)
class Write:
    """Who asks for a write, for the log: method, path and operation of the request."""

    method: str
    path: str
    operation: str


class Store:
    """Integrations by id, in creation order, with the log of applied writes. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._writes: list[AppliedWrite] = []
        self._seeded = 0

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------ reads

    def get(self, ident: str) -> Entry | None:
        """The entry stored under ``ident``, if any."""
        with self._lock:
            return self._entries.get(ident)

    def listing(self) -> bytes:
        """The JSON array of every stored integration."""
        with self._lock:
            return b"[" + b",".join(entry.raw for entry in self._entries.values()) + b"]"

    def documents(self) -> dict[str, dict[str, Any]]:
        """A deep copy of every stored integration, by id."""
        with self._lock:
            return {key: copy.deepcopy(entry.doc) for key, entry in self._entries.items()}

    @property
    def writes(self) -> list[AppliedWrite]:
        """The applied writes, oldest first."""
        with self._lock:
            return list(self._writes)

    # ------------------------------------------------------------------ writes

    def create(self, body: dict[str, Any], write: Write | None) -> Entry:
        """Store ``body`` under a new id; logged unless ``write`` is None."""
        with self._lock:
            ident = new_id()
            while ident in self._entries:
                ident = new_id()
            now = _dt.datetime.now(_dt.UTC)
            entry = self._put(ident, body, now, now)
            self._log(write, ident, body)
            return entry

    def update(
        self, ident: str, change: Callable[[dict[str, Any]], dict[str, Any]], write: Write, logged: Any
    ) -> Entry | None:
        """Replace the integration ``ident`` by ``change(its document)``; None when there is none.

        ``change`` runs under the lock (so a read-modify-write is atomic) and may raise to refuse;
        ``logged`` is the request body the write log keeps.
        """
        with self._lock:
            old = self._entries.get(ident)
            if old is None:
                return None
            body = change(old.doc)
            # modified must change on every update, even two within one millisecond.
            now = max(_dt.datetime.now(_dt.UTC), old.modified + _dt.timedelta(milliseconds=1))
            entry = self._put(ident, body, old.created, now)
            self._log(write, ident, logged)
            return entry

    def delete(self, ident: str, write: Write) -> bool:
        """Remove the integration ``ident``; False when there is none."""
        with self._lock:
            if self._entries.pop(ident, None) is None:
                return False
            self._log(write, ident, None)
            return True

    def seed(self, count: int) -> list[str]:
        """Add ``count`` deterministic integrations (see ``_replies.seed_doc``); returns their ids."""
        ids: list[str] = []
        with self._lock:
            for _ in range(count):
                doc = _replies.seed_doc(self._seeded)
                self._seeded += 1
                moment = _dt.datetime.fromisoformat(doc["created"].replace("Z", "+00:00"))
                self._entries[doc["id"]] = Entry(doc, _replies.dumps(doc), moment, moment)
                ids.append(doc["id"])
        return ids

    def clear(self) -> None:
        """Forget every integration and the seeding count (the write log stays: see clear_writes)."""
        with self._lock:
            self._entries.clear()
            self._seeded = 0

    def clear_writes(self) -> None:
        """Forget the write log."""
        with self._lock:
            self._writes.clear()

    # ------------------------------------------------------------------ internals (lock held)

    def _put(self, ident: str, body: dict[str, Any], created: _dt.datetime, modified: _dt.datetime) -> Entry:
        doc: dict[str, Any] = {"id": ident}
        for key, value in body.items():
            if key not in READ_ONLY:
                doc[key] = copy.deepcopy(value)
        doc["created"] = _replies.timestamp(created)
        doc["modified"] = _replies.timestamp(modified)
        entry = Entry(doc, _replies.dumps(doc), created, modified)
        self._entries[ident] = entry
        return entry

    def _log(self, write: Write | None, ident: str, body: Any) -> None:
        if write is not None:
            self._writes.append(AppliedWrite(write.method, write.path, write.operation, ident, body))
