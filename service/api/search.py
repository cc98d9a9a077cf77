"""``GET /api/search?q=&limit=``: the entities a name may denote, for the search box's suggestions.

The resolver's candidates (:func:`~dragonbear.service.web.search_page.search_hits`: any language or
spelling, pinyin with or without tones, one letter off, the start or a part of a name), each with its
page on this server and its kind, best first. Kept per store generation. A text that is empty or
longer than 200 characters, or a ``limit`` outside 1..50, is a 400 with a message.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from dragonbear.errors import ParameterError
from dragonbear.service.api.models import ErrorBody
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.web.search_page import MAX_QUERY, check_query, search_hits

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


class SearchResults(BaseModel):
    """The hits of a search, best first."""

    query: str
    results: list[SearchHit]


router = APIRouter(prefix="/api", tags=["api"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "an empty or too long text, or a limit out of range"}
}


@router.get("/search", response_model=SearchResults, summary="Search entities by name", responses=_ERRORS)
def search(
    served: ServedDep,
    q: str = Query(..., min_length=1, max_length=MAX_QUERY, description="any name in any language or spelling"),
    limit: int = Query(10, ge=1, le=50, description="at most this many hits"),
) -> SearchResults:
    """The entities ``q`` may name, best first, each with its page and kind: the suggestions of the
    search box on every page (``/search?q=`` shows them grouped by kind)."""
    text = check_query(q)
    if not text:
        raise ParameterError("q is blank: give a name to search for")
    hits = served.read(lambda store: search_hits(store, text, limit), key=("search", text, limit))
    return SearchResults(query=text, results=[SearchHit(**h.as_dict()) for h in hits])  # type: ignore[arg-type]
