"""``GET /api/search?q=&limit=&class=``: the entities a name may denote, for the search box's suggestions.

The resolver's candidates (:func:`~dragonbear.service.web.search_page.search_hits`: any language or
spelling, pinyin with or without tones, one letter off, the start or a part of a name), each with its
page on this server and its kind, best first. ``class`` keeps the entities of a class of the ontology
or its subclasses (``dgb:Agent``, as a canned query's entity parameter names it; several separated by
commas), and each hit's ``value`` is the text that parameter takes for it: its label where the label
resolves to it alone among the entities of that class, else its IRI. So the suggestions of a query
form's entity field fill the field with a value the form resolves (``service/web/static/search.js``).
Kept per store generation. A text that is empty or longer than 200 characters, a ``limit`` outside
1..50 or a class the ontology does not declare is a 400 with a message.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from dragonbear.errors import DragonbearError, ParameterError
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, GRAPH_ONTOLOGY
from dragonbear.service.api.models import ErrorBody
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.search_page import MAX_QUERY, Hit, check_query, search_hits

__all__ = ["SearchHit", "SearchResults", "router"]


class SearchHit(BaseModel):
    """An entity the text may name."""

    iri: str
    path: str = Field(description="its page on this server (/id/{kind}/{id})")
    label: str
    kind: str | None = Field(description="system, state, org, exercise ... (the {kind} of its IRI)")
    kind_title: str = Field(description="the kind as the pages name it (Systems, States ...)")
    score: int = Field(
        description="100 id, 95 preferred label, 90 other name, 80 same key, romanized or pinyin, "
        "60 one letter off, 40 start of a name, 20 part of a name"
    )
    match: str = Field(
        description="id, exact, normalized, transliterated, pinyin, toneless, one edit, prefix, contains"
    )
    matched: str = Field(description="the name the text met")
    name_kind: str = Field(description="how that name is attached (label, NATO reporting name, designation ...)")
    value: str = Field(
        description="what a canned-query parameter of the class asked for takes for this entity: its label "
        "where that resolves to it alone, else its IRI"
    )


class SearchResults(BaseModel):
    """The hits of a search, best first."""

    query: str
    results: list[SearchHit]


router = APIRouter(prefix="/api", tags=["api"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "an empty or too long text, a limit out of range, or an unknown class"}
}
_CLASS_HELP = (
    "only entities of this class or its subclasses: a class of the ontology as a prefixed name "
    "(dgb:Agent, dgb:SystemModel) or an IRI; several separated by commas"
)


def class_types(store: GraphStore, names: NameIndex, classes: str) -> set[str]:
    """The class IRIs ``classes`` (comma-separated prefixed names or IRIs) stand for, with their subclasses.

    Raises:
        ParameterError: a class the ontology does not declare.
    """
    types: set[str] = set()
    for name in (c.strip() for c in classes.split(",") if c.strip()):
        iri = DGB + name[4:] if name.startswith("dgb:") else name
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            node = None
        if node is None or not store.ask(f"ASK {{ GRAPH <{GRAPH_ONTOLOGY}> {{ {node} a owl:Class }} }}"):
            raise ParameterError(
                f"class {name!r} is not a class of the ontology (a prefixed name such as dgb:Agent or dgb:SystemModel, or an IRI)"
            )
        types |= names.expand_type(iri)
    return types


def _value(names: NameIndex, hit: Hit, types: set[str] | None) -> str:
    """The label of ``hit`` where it resolves to the hit alone (among ``types``), else its IRI."""
    try:
        return hit.label if names.resolve(hit.label, types=types) == hit.iri else hit.iri
    except DragonbearError:
        return hit.iri


def _search(store: GraphStore, text: str, limit: int, classes: str | None) -> list[SearchHit]:
    names = name_index(store)
    types = class_types(store, names, classes) if classes else None
    hits = search_hits(store, text, limit, types=types)
    return [SearchHit(**h.as_dict(), value=_value(names, h, types)) for h in hits]  # type: ignore[arg-type]


@router.get("/search", response_model=SearchResults, summary="Search entities by name", responses=_ERRORS)
def search(
    served: ServedDep,
    q: str = Query(..., min_length=1, max_length=MAX_QUERY, description="any name in any language or spelling"),
    limit: int = Query(10, ge=1, le=50, description="at most this many hits"),
    classes: str | None = Query(None, alias="class", max_length=MAX_QUERY, description=_CLASS_HELP),
) -> SearchResults:
    """The entities ``q`` may name, best first, each with its page and kind: the suggestions of the
    search box on every page (``/search?q=`` shows them grouped by kind) and of the entity fields of
    the canned-query forms (``class=`` as the field's parameter names it; ``value`` fills the field)."""
    text = check_query(q)
    if not text:
        raise ParameterError("q is blank: give a name to search for")
    hits = served.read(
        lambda store: _search(store, text, limit, classes), key=("search", text, limit, *([classes] if classes else []))
    )
    return SearchResults(query=text, results=hits)
