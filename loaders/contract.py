"""The one loader contract: a source in, quads and a report out, and never a store.

Every loader's entry point returns a :class:`Loaded`: the RDF it read and a report of what it read
(counts, what it could not map, the files it read). A source small enough to hold as objects gives
pyoxigraph quads in :attr:`Loaded.quads`; a source too big for that (the SIPRI register) gives
N-Triples text for one named graph in :attr:`Loaded.text`, produced lazily, so that the pipeline can
bulk-load each piece while the next is written. Its report is complete once the text is consumed.

Only :mod:`dragonbear.pipeline` writes a :class:`Loaded` into a store
(:func:`dragonbear.pipeline.write.write_loaded`).

>>> import pyoxigraph as ox
>>> q = ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.NamedNode("http://e/g"))
>>> Loaded([q], report={"read": 1}).quads[0].graph_name.value
'http://e/g'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pyoxigraph as ox

__all__ = ["Loaded"]

R = TypeVar("R")


@dataclass
class Loaded(Generic[R]):
    """What a loader returns.

    Attributes:
        quads: the quads read, each in the named graph it belongs to.
        report: the loader's report of what it read.
        text: N-Triples in pieces (UTF-8), all for :attr:`graph`: the form of a source too big for quads.
        graph: the named graph of :attr:`text`.
    """

    quads: Sequence[ox.Quad]
    report: R
    text: Iterable[bytes] = field(default=())
    graph: str | None = None
