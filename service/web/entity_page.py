"""The HTML page of one entity, from an :class:`~dragonbear.service.web.entity.EntityView`."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from dragonbear.namespaces import DGB
from dragonbear.service.web.entity import EntityView, Row
from dragonbear.service.web.explorer import explore_path
from dragonbear.service.web.layout import esc, iri_link, local_path, page, table, web_href
from dragonbear.service.web.share import share_form
from dragonbear.service.web.statement_text import statement_sentence

__all__ = ["entity_html", "not_found_html"]

_LANGUAGES = {
    "en": "English",
    "ru": "Russian",
    "zh": "Chinese",
    "zh-hans": "Chinese (simplified)",
    "zh-hant": "Chinese (traditional)",
    "zh-latn-pinyin": "Chinese (pinyin)",
    "ru-latn": "Russian (Latin)",
    "uk": "Ukrainian",
    "fr": "French",
    "de": "German",
}


def _term(term: object, labels: dict[str, str]) -> str:
    """A term as HTML: a link for an IRI (labelled when the store has a label), text for a literal."""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value, labels.get(term.value))
    if isinstance(term, ox.Literal):
        shown = term.language and term.language != "en"
        lang = f' <span class="muted">@{esc(term.language)}</span>' if shown else ""
        return f'<span lang="{esc(term.language)}">{esc(term.value)}</span>{lang}' if term.language else esc(term.value)
    if isinstance(term, ox.BlankNode):
        return f"<code>_:{esc(term.value)}</code>"
    return ""


def _cells(row: Row, keys: tuple[str, ...], labels: dict[str, str]) -> list[str]:
    return [_term(row.get(k), labels) for k in keys]


def _more(shown: int, total: int, what: str) -> str:
    if total <= shown:
        return ""
    return (
        f'<p class="muted">Showing the first {shown:,} of {total:,} {esc(what)}; {total - shown:,} more '
        'are in the graph: query them on the <a href="/">query page</a>.</p>'
    )


#: The classes the ``names`` and ``claims`` queries take as ``entity`` (their ``# param`` lines).
_ENTITY_CLASSES = {DGB + c for c in ("Agent", "SystemModel", "Place", "Event", "ExerciseSeries")}


def _files(query: str, iri: str, what: str, extra: str = "") -> str:
    """The files of a section: the canned ``query`` that gives its rows, for this entity (``entity=IRI``),
    as CSV, a workbook and JSON, and its form page (with the SPARQL and code that fetch it)."""
    params = urlencode({"entity": iri})
    links = " · ".join(
        f'<a href="/api/queries/{query}.{ext}?{esc(params)}" download>{label}</a>'
        for ext, label in (("csv", "CSV"), ("xlsx", "Excel"), ("json", "JSON"))
    )
    return (
        f'<p class="get-data muted">Get {esc(what)}: {links} · '
        f'<a href="/queries/{query}?{esc(params)}">the query, its SPARQL and code</a>{extra}</p>'
    )


def _names(view: EntityView) -> str:
    if not view.names:
        return ""
    rows = [
        [esc(what), _term(name, {}), esc(_LANGUAGES.get((name.language or "").lower(), name.language or "—"))]
        for what, name in view.names
    ]
    files = _files("names", view.iri, "these names") if _ENTITY_CLASSES & set(view.types) else ""
    return "<h2>Names</h2>" + table(["kind", "name", "language"], rows) + files


def _properties(view: EntityView) -> str:
    asserted = [(p, o) for p, o, a in view.properties if a]
    derived = [(p, o) for p, o, a in view.properties if not a]

    def rows(items: Sequence[tuple[str, object]]) -> list[list[str]]:
        return [[iri_link(p, view.labels.get(p)), _term(o, view.labels)] for p, o in items]

    html = "<h2>Facts</h2>" + (
        table(["property", "value"], rows(asserted)) if asserted else '<p class="muted">No asserted facts.</p>'
    )
    if derived:
        html += (
            f"<details><summary>{len(derived)} inferred facts (the derived graph: inverses, "
            "super-properties, transitive closures)</summary>"
            + table(["property", "value"], rows(derived))
            + "</details>"
        )
    return html


def _claims(view: EntityView) -> str:
    if not view.claims:
        return '<h2>Claims and sources</h2><p class="muted">No attested statements.</p>'
    keys = ("statement", "kind", "text", "source", "locator", "stance", "grade", "confidence", "rank")
    rows, classes = [], []
    for row in view.claims:
        cells = _cells(row, keys, view.labels)
        cells[0] += f'<br><span class="muted">{_term(row.get("statementType"), {})}</span>'
        source = row.get("source")
        title = row.get("sourceTitle")
        if isinstance(source, ox.NamedNode) and isinstance(title, ox.Literal):
            cells[3] = iri_link(source.value, title.value)
        conflict = isinstance(row.get("inConflict"), ox.Literal) and row["inConflict"].value == "true"  # type: ignore[union-attr]
        cells.append("in conflict" if conflict else "")
        rows.append(cells)
        classes.append("conflict" if conflict else "")
    headers = [
        "statement",
        "kind",
        "what it says",
        "source",
        "locator",
        "stance",
        "grade",
        "confidence",
        "rank",
        "conflict",
    ]
    return (
        '<h2>Claims and sources</h2><p class="muted">Every attested statement that involves this entity, one '
        "row per source that attests it: the entity's own claims and figures first, its arms transfers last. "
        "A grade pairs the source's reliability (A-F) with the information's credibility (1-6).</p>"
        + table(headers, rows, row_classes=classes, css_class="claims")
        + _more(len(view.claims), view.claim_count, "attestations")
        + (_files("claims", view.iri, "every claim and its sources") if _ENTITY_CLASSES & set(view.types) else "")
    )


def _transfers(view: EntityView) -> str:
    if not view.transfer_count:
        return ""
    keys = (
        "transfer",
        "supplier",
        "recipient",
        "system",
        "orderYear",
        "quantityOrdered",
        "quantityDelivered",
        "deliveryStartYear",
        "deliveryEndYear",
        "status",
    )
    rows = [_cells(r, keys, view.labels) for r in view.transfers]
    headers = [
        "deal",
        "supplier",
        "recipient",
        "system",
        "ordered",
        "number ordered",
        "number delivered",
        "first delivery",
        "last delivery",
        "status",
    ]
    return (
        f"<h2>Arms transfers ({view.transfer_count:,})</h2>"
        + table(headers, rows)
        + _more(len(view.transfers), view.transfer_count, "transfers")
        + _transfer_files(view)
    )


def _transfer_files(view: EntityView) -> str:
    """For a state, its transfers as the timeline's files (every transfer that involves it, by year)."""
    if DGB + "State" not in view.types:
        return ""
    params = esc(urlencode({"state": view.iri, "kind": "delivery"}))
    return (
        f'<p class="get-data muted">Get every transfer, by year: <a href="/timeline.csv?{params}" download>CSV</a> · '
        f'<a href="/timeline.json?{params}" download>JSON</a> · <a href="/timeline?{params}">on the timeline</a></p>'
    )


def _conflicts(view: EntityView) -> str:
    if not view.conflicts:
        return ""
    keys = (
        "conflict",
        "aspect",
        "concerns",
        "side",
        "source",
        "locator",
        "stance",
        "reportedQuantity",
        "reportedOrderYear",
        "reportedDeliveryStartYear",
        "reportedDeliveryEndYear",
        "note",
    )
    rows = [_cells(r, keys, view.labels) for r in view.conflicts]
    headers = [
        "conflict",
        "aspect",
        "concerns",
        "side",
        "source",
        "locator",
        "stance",
        "quantity",
        "order year",
        "first delivery",
        "last delivery",
        "note",
    ]
    return (
        '<h2>Conflicts between sources</h2><p class="muted">Disagreements are kept, not resolved: each side '
        "is shown with its source.</p>" + table(headers, rows, css_class="conflicts")
    )


def entity_html(view: EntityView, *, lineage_html: str | None = None) -> str:
    """The page of an entity as a whole HTML document.

    Args:
        view: what the store says about the entity.
        lineage_html: the lineage section of a system (:func:`dragonbear.service.web.lineage_section.lineage_section`).
    """
    path = local_path(view.iri) or ""
    sentence = statement_sentence(view.types, view.properties, view.labels)
    types = (
        "".join(f'<span class="tag">{iri_link(t, view.labels.get(t))}</span>' for t in view.types if t.startswith(DGB))
        or ""
    )
    formats = " · ".join(
        f'<a href="{esc(path)}?format={f}">{esc(n)}</a>'
        for f, n in (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"))
    )
    parts = [
        f"<h1>{esc(view.label)}</h1>",
        f'<p><code class="iri">{esc(view.iri)}</code></p>',
        f"<p>{types}</p>" if types else "",
        (
            f'<p><a href="{esc(explore)}">Explore lineage</a></p>'
            if view.is_system and (explore := explore_path(view.iri))
            else ""
        ),
        f'<p class="statement">{esc(sentence)}</p>' if sentence else "",
        f'<p class="muted">This description as RDF: {formats}</p>',
        share_form(path) if path else "",
        _names(view),
    ]
    if view.links:
        items = "".join(
            f'<li>{esc(rel)}: <a href="{esc(iri)}" rel="external">{esc(iri)}</a></li>'
            if web_href(iri)
            else f'<li>{esc(rel)}: <span class="iri">{esc(iri)}</span></li>'
            for rel, iri in view.links
        )
        parts.append(f"<h2>Elsewhere</h2><ul>{items}</ul>")
    if lineage_html:
        parts.append(lineage_html)
    parts += [_claims(view), _transfers(view), _conflicts(view), _properties(view)]
    return page(view.label, "".join(parts))


def not_found_html(iri: str) -> str:
    """The 404 page for an IRI the graph says nothing about."""
    return page(
        "Not found",
        f"<h1>Not found</h1><p>The graph says nothing about <code>{esc(iri)}</code>.</p>"
        '<p>Look a name up on the <a href="/">query page</a>, or with '
        f'<a href="/api/resolve?q={esc(quote(iri.rsplit("/", 1)[-1]))}">the resolver</a>.</p>',
    )
