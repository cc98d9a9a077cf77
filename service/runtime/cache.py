"""The server's one cache class: a bounded, thread-safe map, least recently used first out.

Every answer the server keeps is keyed by the store generation it came from (a generation never
changes once written; a write makes a new one), so an entry is valid for as long as its generation
is current; when another generation becomes current the server empties its caches (:meth:`LruCache.clear`),
since no entry of the older one would be hit again. The answers of ``/sparql``,
the raw-request map of the fast path, and the pages, API answers and charts all use this class.

>>> cache = LruCache[str, bytes](entries=2, max_bytes=4, size=len)
>>> cache.put("a", b"1"); cache.put("b", b"22"); cache.put("big", b"12345"); cache.get("big") is None
True
>>> cache.get("a"); cache.put("c", b"3"); sorted(cache.keys())
b'1'
['a', 'c']
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["LruCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A bounded map that drops the least recently used entry past ``entries``.

    Args:
        entries: the most entries kept.
        max_bytes: values larger than this (by ``size``) are not kept; 0 for no bound.
        size: the size of a value, for ``max_bytes``.
    """

    def __init__(self, *, entries: int, max_bytes: int = 0, size: Callable[[V], int] | None = None) -> None:
        self.entries, self.max_bytes, self._size = entries, max_bytes, size
        self._map: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            hit = self._map.get(key)
            if hit is not None:
                self._map.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key`` unless it is larger than ``max_bytes``."""
        if self.max_bytes and self._size is not None and self._size(value) > self.max_bytes:
            return
        with self._lock:
            self._map[key] = value
            self._map.move_to_end(key)
            while len(self._map) > self.entries:
                self._map.popitem(last=False)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value under ``key``, made (outside the lock) and kept when missing.

        Two first requests may both make it; they agree, since both read the same generation.
        """
        hit = self.get(key)
        if hit is not None:
            return hit
        value = make()
        self.put(key, value)
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._map.clear()

    def keys(self) -> list[K]:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._map)

    def __len__(self) -> int:
        return len(self._map)
