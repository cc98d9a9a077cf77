"""Benchmark: loading SIPRI's full trade register into an on-disk pyoxigraph store.

Compares the project's loader (read the CSV, convert to N-Quads text, bulk-load) with Oxigraph's
own command-line loader (``oxigraph load``) on the same triples written as an N-Triples file, and
with the alternatives of one unchunked ``bulk_load`` call and of building pyoxigraph ``Quad``
objects. Each measurement uses a fresh store directory; runs are interleaved and repeated, and the
best and median wall-clock times are reported with the CPU time they used, because other
processes on a shared machine add noise to wall-clock times.

The CLI loads the triples into the default graph; the loader puts them in the named graph
``graph/sipri``, which Oxigraph indexes in six orders instead of three: loading them costs about
1.8 times the CPU. The loader makes up for it by loading chunks on parallel threads.

Run ``python bench/sipri_load.py [REGISTER] [--repeat N]``. The functions are meant to be reused
by ``bench/build.py``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dragonbear.graph.store import EmbeddedStore
from dragonbear.loaders.sipri import deal_keys, load_designation_map, read_register, read_sipri, register_to_nquads
from dragonbear.loaders.sipri_deals import Deal
from dragonbear.loaders.sipri_rdf import (
    CONFIDENCE,
    CONFIDENCE_UNCERTAIN,
    TRANSFER_BASE,
    party_iri,
    readable_locator,
)
from dragonbear.namespaces import DGB, GRAPH_SIPRI, ID, RDF, RDFS, XSD
from dragonbear.pipeline.write import write_loaded

__all__ = [
    "Comparison",
    "Timing",
    "compare",
    "main",
    "time_loader",
    "time_nquads_single_load",
    "time_oxigraph_cli",
    "time_quad_objects",
    "write_ntriples",
]

DEFAULT_REGISTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "sipri" / "trade-register.csv"


@dataclass(slots=True)
class Timing:
    """Seconds of repeated runs of one method that loaded ``triples`` triples each time."""

    name: str
    triples: int
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, measurement: tuple[float, float]) -> None:
        self.seconds.append(measurement[0])
        self.cpu.append(measurement[1])

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        """Triples per second of the best run."""
        return self.triples / self.best

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def line(self) -> str:
        runs = ", ".join(f"{s:.2f}" for s in self.seconds)
        return (
            f"{self.name:<44} {self.triples:>9,} triples  best {self.best:6.2f} s  median {self.median:6.2f} s"
            f"  {self.rate:>9,.0f} triples/s  CPU {self.cpu_median:6.2f} s  (runs: {runs})"
        )


@dataclass(slots=True)
class Comparison:
    """The timings of one benchmark session; ``ratio`` is ours over Oxigraph's rate."""

    ours: Timing
    oxigraph: Timing
    others: list[Timing] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.ours.rate / self.oxigraph.rate

    @property
    def median_ratio(self) -> float:
        return (self.ours.triples / self.ours.median) / (self.oxigraph.triples / self.oxigraph.median)

    @property
    def cpu_ratio(self) -> float:
        """Ours over Oxigraph's triples per CPU-second."""
        return (self.ours.triples / self.ours.cpu_median) / (self.oxigraph.triples / self.oxigraph.cpu_median)


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _fresh_store(work: Path) -> tuple[ox.Store, Path]:
    location = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    return ox.Store(str(location)), location


def time_loader(register_path: Path, work: Path) -> tuple[float, float, int]:
    """Read + convert + load with ``read_sipri`` and ``write_loaded`` into a fresh on-disk store:
    (seconds, CPU seconds of all threads, triples)."""
    store, location = _fresh_store(work)
    cpu, start = _cpu(), time.perf_counter()
    loaded = read_sipri(register_path)
    write_loaded(EmbeddedStore(store, location), loaded)
    report = loaded.report
    store.flush()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    assert len(store) == report.triples, (len(store), report.triples)
    del store
    shutil.rmtree(location)
    return seconds, cpu, report.triples


def time_nquads_single_load(register_path: Path, work: Path) -> tuple[float, float, int]:
    """Read + ``register_to_nquads`` + one ``bulk_load`` call (no chunking, no threads)."""
    store, location = _fresh_store(work)
    cpu, start = _cpu(), time.perf_counter()
    data, report = register_to_nquads(read_register(register_path), load_designation_map())
    store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    del store
    shutil.rmtree(location)
    return seconds, cpu, report.triples


def _deal_quads(register_path: Path) -> Iterator[ox.Quad]:
    """The deal and attestation quads of the register built as pyoxigraph objects (the main share
    of the triples; parties, systems and the source document are left out of this comparison)."""
    register = read_register(register_path)
    mapping = load_designation_map()
    g = ox.NamedNode(GRAPH_SIPRI)
    terms = _Terms()
    source = ox.NamedNode(f"{ID}source/{register.source_key}")
    for deal, key in zip(register.deals, deal_keys(register.deals), strict=True):
        s = ox.NamedNode(TRANSFER_BASE + key)
        system = mapping.system_for(deal.designation, deal.supplier, deal.recipient)
        att = ox.NamedNode(f"{TRANSFER_BASE}{key}#att-{register.source_key}")
        for predicate, obj in _deal_pairs(deal, system, att, terms):
            yield ox.Quad(s, predicate, obj, g)
        for predicate, obj in _attestation_pairs(deal, source, terms):
            yield ox.Quad(att, predicate, obj, g)


def _dgb(local: str) -> ox.NamedNode:
    return ox.NamedNode(DGB + local)


_PREDICATES = [
    "supplier",
    "recipient",
    "transferredSystem",
    "orderYear",
    "orderYearUncertain",
    "quantityOrdered",
    "quantityOrderedUncertain",
    "quantityDelivered",
    "quantityDeliveredUncertain",
    "deliveryYear",
    "deliveryStartYear",
    "deliveryEndYear",
    "transferStatus",
    "sipriDesignation",
    "sipriDescription",
    "sipriComment",
    "tivPerUnit",
    "tivTotalOrder",
    "tivDelivered",
    "confidence",
    "confidenceLevel",
    "rank",
    "hasAttestation",
    "source",
    "stance",
    "sourceReliability",
    "locator",
]


class _Terms:
    """The terms the deal quads are made of, made once: predicates, datatypes, booleans, statuses."""

    def __init__(self) -> None:
        self.p = {name: _dgb(name) for name in _PREDICATES}
        self.a, self.label = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label")
        self.xsd_int, self.xsd_nn = ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "nonNegativeInteger")
        self.xsd_dec, xsd_bool = ox.NamedNode(XSD + "decimal"), ox.NamedNode(XSD + "boolean")
        self.true, self.false = ox.Literal("true", datatype=xsd_bool), ox.Literal("false", datatype=xsd_bool)
        self.status = {
            "New": _dgb("NewEquipment"),
            "Second hand": _dgb("SecondHand"),
            "Second hand but modernized": _dgb("SecondHandModernized"),
        }


def _deal_pairs(
    deal: Deal, system: str | None, att: ox.NamedNode, t: _Terms
) -> list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """(predicate, object) of one deal: what every deal states, the values it has, its verdict."""
    p, true, false, xsd_int, xsd_nn = t.p, t.true, t.false, t.xsd_int, t.xsd_nn
    triples: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (t.a, _dgb("ArmsTransfer")),
        (p["supplier"], ox.NamedNode(party_iri(deal.supplier))),
        (p["recipient"], ox.NamedNode(party_iri(deal.recipient))),
        (p["transferredSystem"], ox.NamedNode(f"{ID}system/{system or 'sipri/x'}")),
        (t.label, ox.Literal(f"{deal.designation}: {deal.supplier} to {deal.recipient}", language="en")),
        (p["orderYearUncertain"], true if deal.order_year_uncertain else false),
        (p["quantityDeliveredUncertain"], true if deal.quantity_delivered_uncertain else false),
        (p["sipriDesignation"], ox.Literal(deal.designation)),
    ]
    if deal.order_year is not None:
        triples.append((p["orderYear"], ox.Literal(str(deal.order_year), datatype=xsd_int)))
    if deal.quantity_ordered is not None:
        triples.append((p["quantityOrdered"], ox.Literal(str(deal.quantity_ordered), datatype=xsd_nn)))
    if deal.quantity_ordered_uncertain is not None:
        triples.append((p["quantityOrderedUncertain"], true if deal.quantity_ordered_uncertain else false))
    if deal.quantity_delivered is not None:
        triples.append((p["quantityDelivered"], ox.Literal(str(deal.quantity_delivered), datatype=xsd_nn)))
    for year in deal.delivery_years:
        triples.append((p["deliveryYear"], ox.Literal(str(year), datatype=xsd_int)))
    if deal.delivery_years:
        triples.append((p["deliveryStartYear"], ox.Literal(str(deal.delivery_years[0]), datatype=xsd_int)))
        triples.append((p["deliveryEndYear"], ox.Literal(str(deal.delivery_years[-1]), datatype=xsd_int)))
    if deal.status is not None:
        triples.append((p["transferStatus"], t.status[deal.status]))
    if deal.description:
        triples.append((p["sipriDescription"], ox.Literal(deal.description)))
    if deal.comments:
        triples.append((p["sipriComment"], ox.Literal(deal.comments)))
    for name, value in (
        ("tivPerUnit", deal.tiv_per_unit),
        ("tivTotalOrder", deal.tiv_total_order),
        ("tivDelivered", deal.tiv_delivered),
    ):
        if value is not None:
            triples.append((p[name], ox.Literal(value, datatype=t.xsd_dec)))
    return [
        *triples,
        (p["confidence"], ox.Literal(CONFIDENCE_UNCERTAIN if deal.uncertain else CONFIDENCE, datatype=t.xsd_dec)),
        (p["confidenceLevel"], _dgb("ModerateConfidence" if deal.uncertain else "HighConfidence")),
        (p["rank"], _dgb("NormalRank")),
        (p["hasAttestation"], att),
    ]


def _attestation_pairs(
    deal: Deal, source: ox.NamedNode, t: _Terms
) -> tuple[tuple[ox.NamedNode, ox.NamedNode | ox.Literal], ...]:
    """(predicate, object) of a deal's attestation: the register's row."""
    return (
        (t.a, _dgb("Attestation")),
        (t.p["source"], source),
        (t.p["stance"], _dgb("Asserts")),
        (t.p["sourceReliability"], _dgb("ReliabilityA")),
        (t.p["locator"], ox.Literal(f"row {deal.line}")),
        (t.p["locator"], ox.Literal(readable_locator(deal))),
    )


def time_quad_objects(register_path: Path, work: Path) -> tuple[float, float, int]:
    """Read + build ``Quad`` objects for the deals + ``bulk_extend``: (seconds, CPU seconds, quads)."""
    store, location = _fresh_store(work)
    cpu, start = _cpu(), time.perf_counter()
    store.bulk_extend(_deal_quads(register_path))
    store.flush()
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    count = len(store)
    del store
    shutil.rmtree(location)
    return seconds, cpu, count


def write_ntriples(register_path: Path, dest: Path) -> int:
    """Write the loader's triples for ``register_path`` as N-Triples (graph names dropped)."""
    data, report = register_to_nquads(read_register(register_path), load_designation_map())
    dest.write_bytes(data.replace(f" <{GRAPH_SIPRI}> .\n".encode(), b" .\n"))
    return report.triples


def time_oxigraph_cli(
    ntriples: Path, work: Path, *, executable: str = "oxigraph", graph: str | None = None
) -> tuple[float, float]:
    """``oxigraph load --location <fresh> --file <ntriples> [--graph <graph>]`` in a subprocess:
    (seconds, CPU seconds)."""
    location = Path(tempfile.mkdtemp(prefix="cli-", dir=work))
    command = [executable, "load", "--location", str(location), "--file", str(ntriples)]
    if graph is not None:
        command += ["--graph", graph]
    cpu, start = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds, cpu = time.perf_counter() - start, _cpu(resource.RUSAGE_CHILDREN) - cpu
    shutil.rmtree(location)
    return seconds, cpu


def compare(
    register_path: Path = DEFAULT_REGISTER,
    *,
    repeat: int = 3,
    extras: bool = True,
    executable: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Interleaved, repeated timings of the loader, ``oxigraph load`` and (with ``extras``) the
    unchunked and ``Quad``-object alternatives."""
    executable = executable or shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    with tempfile.TemporaryDirectory(prefix="sipri-bench-") as tmp:
        work = Path(tmp)
        ntriples = work / "sipri.nt"
        triples = write_ntriples(register_path, ntriples)
        ours = Timing("dragonbear read_sipri + write_loaded (read+convert+load)", triples)
        cli = Timing("oxigraph load (CLI, N-Triples file)", triples)
        cli_graph = Timing("oxigraph load --graph (CLI, same named graph)", triples)
        single = Timing("N-Quads text, one bulk_load, no threads", triples)
        quads = Timing("Quad objects + bulk_extend (deals only)", 0)
        for _ in range(repeat):
            ours.add(time_loader(register_path, work)[:2])
            cli.add(time_oxigraph_cli(ntriples, work, executable=executable))
            if extras:
                cli_graph.add(time_oxigraph_cli(ntriples, work, executable=executable, graph=GRAPH_SIPRI))
                single.add(time_nquads_single_load(register_path, work)[:2])
                seconds, cpu, quads.triples = time_quad_objects(register_path, work)
                quads.add((seconds, cpu))
            if progress is not None:
                progress(f"run {len(ours.seconds)}: ours {ours.seconds[-1]:.2f} s, oxigraph {cli.seconds[-1]:.2f} s")
    return Comparison(ours, cli, [cli_graph, single, quads] if extras else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", nargs="?", type=Path, default=DEFAULT_REGISTER)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-extras", action="store_true", help="only the loader and oxigraph load")
    args = parser.parse_args(argv)
    result = compare(
        args.register,
        repeat=args.repeat,
        extras=not args.no_extras,
        progress=lambda message: print(message, file=sys.stderr),
    )
    for timing in [result.ours, result.oxigraph, *result.others]:
        print(timing.line())
    print(
        f"ratio ours/oxigraph rate: best {result.ratio:.2f}, median {result.median_ratio:.2f};"
        f" per CPU-second {result.cpu_ratio:.2f}"
    )
    for other in result.others[:1]:
        print(
            f"ratio ours/{other.name.split(' (')[0]} rate: best {result.ours.rate / other.rate:.2f},"
            f" median {other.median / result.ours.median:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
