"""Search by name: ``/search?q=`` (a page of results grouped by kind), and the hits that ``/api/search``
returns for the search box's suggestions.

Both ask the resolver (:meth:`~dragonbear.graph.resolve.NameIndex.candidates`): any name in any
language or spelling (``Flanker``, ``Су-27``, ``歼-11``, ``jian 11``), one letter off, the start of a
name, or, for searches only, a part of one (``submarine``). Answers are kept per store generation.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dragonbear.errors import ParameterError
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.kinds import KINDS, kind_of
from dragonbear.service.web.layout import esc, local_path, page

__all__ = ["MAX_QUERY", "PAGE_LIMIT", "Hit", "check_query", "router", "search_hits", "search_html"]

MAX_QUERY = 200  # characters of a search text
PAGE_LIMIT = 300  # hits on the results page

_HOW = {
    "id": "its id",
    "exact": "its {kind}",
    "normalized": "its {kind}, spelled differently",
    "transliterated": "its {kind}, romanized",
    "pinyin": "its {kind}, in pinyin",
    "toneless": "its {kind}, tones or accents aside",
    "one edit": "its {kind}, one letter off",
    "prefix": "the start of its {kind}",
    "contains": "a part of its {kind}",
}


@dataclass(frozen=True)
class Hit:
    """An entity a search text may name, in the resolver's order (see its module for the scores)."""

    iri: str
    path: str
    label: str
    kind: str | None
    score: int
    match: str
    matched: str
    name_kind: str

    @property
    def kind_title(self) -> str:
        """The kind as the pages name it (``Systems``), or ``Other``."""
        return KINDS[self.kind].title if self.kind else "Other"

    @property
    def how(self) -> str:
        """How the text met the entity's name, in words (``its label, in pinyin``)."""
        return _HOW.get(self.match, "{kind}").format(kind=self.name_kind or "name")

    def as_dict(self) -> dict[str, object]:
        """The hit as JSON-ready values (the API's ``SearchHit``)."""
        return {
            "iri": self.iri,
            "path": self.path,
            "label": self.label,
            "kind": self.kind,
            "kind_title": self.kind_title,
            "score": self.score,
            "match": self.match,
            "matched": self.matched,
            "name_kind": self.name_kind,
        }


def check_query(text: str | None) -> str:
    """The search text, stripped.

    Raises:
        ParameterError: it is longer than :data:`MAX_QUERY` characters.

    >>> check_query("  歼-11 ")
    '歼-11'
    """
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise ParameterError(f"a search text has at most {MAX_QUERY} characters, not {len(text)}")
    return text


def search_hits(store: GraphStore, text: str, limit: int, *, types: set[str] | None = None) -> list[Hit]:
    """The entities ``text`` may name, best first.

    Args:
        store: the graph (its name index is built once per store object).
        text: a name in any language or spelling (empty: no hits).
        limit: at most this many.
        types: if given, only entities of one of these class IRIs.

    Returns:
        The hits, in the resolver's order.
    """
    if not text:
        return []
    return [
        Hit(
            c.iri,
            local_path(c.iri) or c.iri,
            c.label,
            kind_of(c.iri),
            c.score,
            c.match,
            c.matched,
            c.name_kind,
        )
        for c in name_index(store).candidates(text, types=types, limit=limit, contains=True)
    ]


def _grouped(hits: list[Hit]) -> list[tuple[str | None, list[Hit]]]:
    """The hits by kind, the kind of the best hit first, each kind's hits in their order."""
    groups: dict[str | None, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return list(groups.items())


def search_html(text: str, hits: list[Hit]) -> str:
    """The results page: the hits grouped by kind, each with how its name matched.

    Args:
        text: the search text (empty: the page says what to type).
        hits: :func:`search_hits` of it.

    Returns:
        The whole HTML document.
    """
    if not text:
        body = (
            "<h1>Search</h1><p>Type a name in the box above: a system, a state, an organization, an exercise, "
            "a place or a person, in any language or spelling (<code>Flanker</code>, <code>Су-27</code>, "
            '<code>歼-11</code>, <code>jian 11</code>). Or <a href="/id/">browse every entity by kind</a>.</p>'
        )
        return page("Search", body)
    if not hits:
        body = (
            f"<h1>Search</h1><p>Nothing is named <q>{esc(text)}</q>, in any language or spelling. "
            'Try a shorter part of the name, or <a href="/id/">browse every entity by kind</a>.</p>'
        )
        return page(f"Search: {text}", body, search=text)
    groups = _grouped(hits)
    sections = []
    for kind, members in groups:
        slug = kind or "other"
        title = f'<a href="{esc(KINDS[kind].path)}">{esc(KINDS[kind].title)}</a>' if kind else "Other"
        items = "".join(
            f'<li><a href="{esc(h.path)}">{esc(h.label)}</a> <span class="muted">— {esc(h.how)}'
            f"{'' if h.matched == h.label or h.match == 'id' else f' <q>{esc(h.matched)}</q>'}</span></li>"
            for h in members
        )
        sections.append(
            f'<section class="results" aria-labelledby="kind-{esc(slug)}"><h2 id="kind-{esc(slug)}">{title} '
            f'<span class="muted">({len(members)})</span></h2><ul>{items}</ul></section>'
        )
    summary = (
        f"<p>{len(hits)} {'entity' if len(hits) == 1 else 'entities'} may be named <q>{esc(text)}</q>, "
        f"grouped by kind, the likeliest first{' (the first ' + str(PAGE_LIMIT) + ')' if len(hits) >= PAGE_LIMIT else ''}.</p>"
    )
    return page(f"Search: {text}", f"<h1>Search</h1>{summary}{''.join(sections)}", search=text)


router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, served: ServedDep) -> HTMLResponse:
    """The results of a search by name, grouped by kind (kept per store generation)."""
    values = request.query_params.getlist("q")
    if len(values) > 1:
        raise ParameterError("parameter 'q' is given more than once")
    text = check_query(values[0] if values else "")
    html = served.read(lambda store: search_html(text, search_hits(store, text, PAGE_LIMIT)), key=("search-page", text))
    return HTMLResponse(html)
