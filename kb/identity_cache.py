"""A small cache keyed by an object's identity, for objects handed over again and again and costly to compare (a
knowledge base's strata: its copies and the stages of its aggregates pass the same tuples every time)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """Values computed from an object, kept by the object's identity. Each entry holds its object, so the identity
    cannot be reused by another object while the entry is kept; the least recently used entries go first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[int, tuple[object, V]] = OrderedDict()
        self._lock = threading.Lock()  # knowledge bases may evaluate in several threads at once

    def get(self, key: object, compute: Callable[[], V]) -> V:
        with self._lock:
            entry = self._entries.get(id(key))
            if entry is not None and entry[0] is key:
                self._entries.move_to_end(id(key))
                return entry[1]
        value = compute()
        with self._lock:
            self._entries[id(key)] = (key, value)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
