"""The SIPRI Arms Transfers Database loader: register rows to ``dgb:ArmsTransfer`` nodes.

Reads either layout of SIPRI's export (``loaders/sipri_layouts.py``), maps designations to the
graph's systems (``loaders/sipri_designations.py``) and writes N-Quads text for the named graph
``https://w3id.org/dragonbear/graph/sipri`` (``loaders/sipri_rdf.py``). The text is built directly
as strings, which on the full register is several times faster than building ``Quad`` objects, and
``read_sipri`` gives it in pieces that the pipeline bulk-loads on worker threads while the next piece is
being written (pyoxigraph releases the GIL while it loads); see ``bench/sipri_load.py``.

Deal IRIs are ``https://w3id.org/dragonbear/id/transfer/sipri/{key}`` with key
``{supplier}-{recipient}-{order year or 'nd'}-{designation}`` (slugs of SIPRI's names), and ``-2``,
``-3``... for further deals with the same key. Deals sharing a key are ordered by the values both
layouts carry (delivery years, number delivered, status, TIVs, description, flags) before the ones
only the trade register has (number ordered, comments), so the same deal gets the same key from
either layout wherever their data agree; file order breaks the last ties.

Every SIPRI fact is shown with the attribution "Source: SIPRI Arms Transfers Database", carried
by the register's ``dgb:SourceDocument``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dragonbear.errors import UsageError
from dragonbear.loaders.contract import Loaded
from dragonbear.loaders.sipri_curated import CuratedContext, curated_context
from dragonbear.loaders.sipri_deals import Deal, Layout, Register
from dragonbear.loaders.sipri_designations import DesignationMap, load_designation_map
from dragonbear.loaders.sipri_layouts import read_register, rejoin_fields
from dragonbear.loaders.sipri_rdf import ATTRIBUTION, TRANSFER_BASE, DealWriter, SystemTable, slug
from dragonbear.loaders.sipri_relations import RelationReport, RelationWriter
from dragonbear.namespaces import GRAPH_SIPRI

__all__ = [
    "ATTRIBUTION",
    "EXTRACT_PARTIES",
    "CuratedContext",
    "Deal",
    "DesignationMap",
    "Layout",
    "Register",
    "SipriReport",
    "curated_context",
    "deal_iri",
    "deal_keys",
    "load_designation_map",
    "read_register",
    "read_sipri",
    "register_to_nquads",
    "write_extract",
]

EXTRACT_PARTIES = frozenset({"Russia", "Soviet Union", "Ukraine", "China"})
DEALS_PER_CHUNK = 2000


@dataclass(slots=True)
class SipriReport:
    """What a conversion produced: counts, and what needs an analyst's eye."""

    source_key: str
    layout: str
    deals: int = 0
    triples: int = 0
    rows: int = 0
    rejoined_lines: tuple[int, ...] = ()
    mapped_deals: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    unknown_descriptions: dict[str, int] = field(default_factory=dict)
    split_designations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suffixed_keys: int = 0
    parties: int = 0
    relations: RelationReport = field(default_factory=RelationReport)

    def summary(self) -> str:
        """One paragraph for logs and the command line."""
        return (
            f"SIPRI {self.source_key} ({self.layout}): {self.deals} deals from {self.rows} rows"
            f" ({len(self.rejoined_lines)} broken rows rejoined), {self.triples} triples;"
            f" {self.mapped_deals} deals mapped to canonical systems, {len(self.unmapped)} designations"
            f" unmapped, {self.suffixed_keys} keys with a -n suffix, {self.parties} parties. "
            + self.relations.summary()
        )


def deal_keys(deals: Sequence[Deal]) -> list[str]:
    """The stable IRI key of every deal, in the order of ``deals``.

    >>> from dragonbear.loaders.sipri_deals import Deal
    >>> d = Deal((13,), "Russia", "China", "Su-35S", "FGA aircraft", 2015, False, 24, False, 24, False,
    ...          (2016, 2017, 2018), None, "New")
    >>> deal_keys([d])
    ['russia-china-2015-su-35s']
    """
    return _assign_keys(deals)[0]


def _assign_keys(deals: Sequence[Deal]) -> tuple[list[str], int]:
    """Keys of ``deals`` and how many of them carry a ``-n`` suffix."""
    bases = [_base_key(deal) for deal in deals]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, base in enumerate(bases):
        groups[base].append(index)
    keys = list(bases)
    taken = set(bases)
    suffixed = 0
    for base, members in groups.items():
        if len(members) == 1:
            continue
        ordered = sorted(members, key=lambda i: _tie_order(deals[i]))
        number = 1
        for index in ordered[1:]:
            number += 1
            while f"{base}-{number}" in taken:  # a designation whose slug ends in -2 owns that key
                number += 1
            keys[index] = f"{base}-{number}"
            taken.add(keys[index])
            suffixed += 1
    return keys, suffixed


def deal_iri(key: str) -> str:
    """The IRI of the SIPRI deal with key ``key``.

    >>> deal_iri("russia-china-2015-su-35s")
    'https://w3id.org/dragonbear/id/transfer/sipri/russia-china-2015-su-35s'
    """
    return TRANSFER_BASE + key


def _base_key(deal: Deal) -> str:
    return f"{slug(deal.supplier)}-{slug(deal.recipient)}-{deal.order_year or 'nd'}-{slug(deal.designation)}"


def _tie_order(deal: Deal) -> tuple[object, ...]:
    def number(value: int | str | None) -> Decimal:
        return Decimal(-1) if value is None else Decimal(value)

    deal_id = deal.deal_id or ""
    return (
        deal.delivery_years,
        number(deal.quantity_delivered),
        deal.status or "",
        number(deal.tiv_per_unit),
        number(deal.tiv_delivered),
        deal.description,
        deal.order_year_uncertain,
        deal.quantity_delivered_uncertain,
        number(deal.quantity_ordered),
        deal.comments,
        (len(deal_id), deal_id),
        deal.line,
    )


def _chunks(
    register: Register,
    mapping: DesignationMap,
    graph: str | None,
    report: SipriReport,
    deals_per_chunk: int,
    context: CuratedContext | None = None,
) -> Iterator[str]:
    """N-Quads text in ``graph`` (N-Triples if ``None``) in pieces of ``deals_per_chunk`` deals,
    then the relations their comments state, the parties, systems and source document."""
    deals = register.deals
    systems = SystemTable(mapping, deals)
    writer = DealWriter(graph, register.source_key)
    relations = RelationWriter(mapping, systems, writer, context)
    keys, report.suffixed_keys = _assign_keys(deals)
    write, read = writer.deal, relations.add_deal
    for start in range(0, len(deals), deals_per_chunk):
        stop = start + deals_per_chunk
        chunk = []
        for deal, key, system in zip(deals[start:stop], keys[start:stop], systems.iris[start:stop], strict=True):
            chunk.append(write(deal, key, system))
            read(deal, key, system)
        yield "".join(chunk)
    yield relations.text()
    report.relations = relations.report
    yield writer.parties_quads() + systems.quads(writer.g) + writer.source_quads(register)
    report.parties = len(writer.parties)
    report.mapped_deals = systems.mapped_deals
    report.unmapped = systems.unmapped_counts()
    report.unknown_descriptions = dict(sorted(systems.unknown_descriptions.items()))
    report.split_designations = systems.split


def _check_graph(graph: str) -> None:
    if not graph or any(c in graph for c in '<> "{}|\\^`\n'):
        raise UsageError(f"graph {graph!r} is not an IRI")


def _new_report(register: Register) -> SipriReport:
    return SipriReport(
        source_key=register.source_key,
        layout=register.layout.value,
        deals=len(register.deals),
        rows=register.rows,
        rejoined_lines=register.rejoined_lines,
    )


def register_to_nquads(
    register: Register, mapping: DesignationMap, *, graph: str = GRAPH_SIPRI, context: CuratedContext | None = None
) -> tuple[bytes, SipriReport]:
    """Convert a register to N-Quads in ``graph``: deals, their attestations, parties, systems, source.

    Args:
        register: from ``read_register``.
        mapping: from ``load_designation_map``.
        graph: the named graph's IRI.
        context: the curated statements and names the comments' relations are resolved against.

    Returns:
        The N-Quads as UTF-8 bytes, and the ``SipriReport`` (deals, triples, unmapped designations
        with their deal counts, rejoined broken rows).

    Raises:
        UsageError: ``graph`` is not an IRI.

    >>> reg = read_register(Path("tests/data/sipri/legacy-sample.csv"))
    >>> data, report = register_to_nquads(reg, load_designation_map())
    >>> b"<https://w3id.org/dragonbear/id/transfer/sipri/russia-china-2015-su-35s>" in data
    True
    """
    _check_graph(graph)
    report = _new_report(register)
    data = "".join(_chunks(register, mapping, graph, report, len(register.deals) or 1, context)).encode("utf-8")
    report.triples = data.count(b"\n")
    return data, report


def read_sipri(
    path: Path,
    *,
    mapping: DesignationMap | None = None,
    graph: str = GRAPH_SIPRI,
    deals_per_chunk: int = DEALS_PER_CHUNK,
    context: CuratedContext | None = None,
) -> Loaded[SipriReport]:
    """Read a SIPRI file into N-Triples text for ``graph``, in pieces of ``deals_per_chunk`` deals.

    The text is made lazily: :func:`dragonbear.pipeline.write.write_loaded` bulk-loads each piece on
    a thread of its own while the next is written (pyoxigraph releases the GIL while it loads), which
    on two cores halves the load. The report's counts are complete once the text is consumed. The
    text is meant to be loaded leniently (no IRI re-validation) because the loader wrote it;
    ``register_to_nquads`` gives the same data at once, for strict checks.

    Args:
        path: the SIPRI file, either layout.
        mapping: the designation map; by default the shipped tables.
        graph: the named graph's IRI.
        deals_per_chunk: deals per piece of text.
        context: the curated statements and names the comments' relations are resolved against
            (``curated_context`` of the curated graph's quads); without it, only SIPRI's own names.

    Returns:
        The text (no quads) and the ``SipriReport``.

    Raises:
        LoadError: the file is malformed (raised at once, before any text is made).
        UsageError: ``graph`` is not an IRI.

    >>> loaded = read_sipri(Path("tests/data/sipri/legacy-sample.csv"))
    >>> text = b"".join(loaded.text)
    >>> loaded.report.deals, loaded.report.rejoined_lines, loaded.report.triples == text.count(b"\\n")
    (7, (19,), True)
    """
    _check_graph(graph)
    register = read_register(path)
    report = _new_report(register)
    # N-Triples loaded into the graph with to_graph: the same quads, with less text to write and parse.
    chunks = _chunks(register, mapping or load_designation_map(), None, report, deals_per_chunk, context)

    def text() -> Iterator[bytes]:
        for piece in chunks:
            data = piece.encode("utf-8")
            report.triples += data.count(b"\n")
            yield data

    return Loaded((), report, text(), graph)


# How core/data/sipri/extract.csv was made (SIPRI register generated 13 Oct 2024):
#   python -c "from pathlib import Path; from dragonbear.loaders.sipri import write_extract; \
#     print(write_extract(Path('/work/shared/data/sipri/trade-register.csv'), \
#                         Path('core/data/sipri/extract.csv')))"
# It printed 6457. The two broken rows of the register are written rejoined.
def write_extract(src: Path, dest: Path, *, parties: Collection[str] = EXTRACT_PARTIES) -> int:
    """Write the deals of ``src`` with any of ``parties`` as supplier or recipient to ``dest``.

    The extract keeps the source's layout, encoding, preamble (with SIPRI's attribution line) and
    header, and the selected rows unchanged, so that ``read_register`` reads it like the source.

    Returns:
        The number of deals written.

    Raises:
        LoadError: ``src`` is malformed.
    """
    register = read_register(src)
    text = Path(src).read_bytes().decode(register.encoding)
    lines = text.split("\n")
    lines = [line.removesuffix("\r") for line in lines]
    selected = [deal for deal in register.deals if deal.supplier in parties or deal.recipient in parties]
    rejoined = set(register.rejoined_lines)
    out: list[tuple[int, str]] = []
    for deal in selected:
        if register.layout is Layout.TRADE_REGISTER and deal.line in rejoined:
            out.append((deal.line, _rejoined_text(lines[deal.lines[0] - 1], lines[deal.lines[1] - 1])))
        else:
            out.extend((line, lines[line - 1]) for line in deal.lines)
    out.sort()
    body = [*lines[: register.header_line], *(text_line for _, text_line in out)]
    Path(dest).write_bytes(("\n".join(body) + "\n").encode(register.encoding))
    return len(selected)


def _rejoined_text(first: str, second: str) -> str:
    buffer = io.StringIO()
    fields = rejoin_fields(next(csv.reader([first])), next(csv.reader([second])))
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()
