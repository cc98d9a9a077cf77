"""One :class:`~dragonbear.graph.resolve.NameIndex` per store object, built on first use.

The web pages and the JSON API resolve names on every request; reading every name of every entity
takes a moment, so the index is built once per store and kept while that store object lives. The app
may swap stores (a new build): a new store object gets a new index.
"""

from __future__ import annotations

import threading
import weakref
from functools import partial

from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import GraphStore

__all__ = ["name_index"]

_LOCK = threading.Lock()
_INDEXES: dict[int, tuple[weakref.ReferenceType[object] | None, NameIndex]] = {}


def _forget(key: int, _ref: object) -> None:
    _INDEXES.pop(key, None)


def name_index(store: GraphStore) -> NameIndex:
    """The name index of ``store``, built on the first call for that store object.

    The cache is keyed by ``id(store)`` and checked against a weak reference, so a store object
    that is gone (and whose id Python reuses) never gets another store's index.
    """
    key = id(store)
    with _LOCK:
        held = _INDEXES.get(key)
        if held is not None and (held[0] is None or held[0]() is store):
            return held[1]
        index = NameIndex.from_store(store)
        try:
            ref: weakref.ReferenceType[object] | None = weakref.ref(store, partial(_forget, key))
        except TypeError:  # an object without weak references: keep it by id alone
            ref = None
        _INDEXES[key] = (ref, index)
        return index
