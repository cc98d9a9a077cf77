"""``GET /api/cite``: the reference list behind what the graph says about an entity.

Content-negotiated (``Accept`` or ``format=``): CSL-JSON (``application/vnd.citationstyles.csl+json``,
also for ``application/json``; the default), BibTeX (``application/x-bibtex``), RIS
(``application/x-research-info-systems``) or text (``text/plain``). See :mod:`dragonbear.graph.citations`.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dragonbear.errors import ParameterError
from dragonbear.graph.citations import KINDS, CitationFormat, format_references, references_for
from dragonbear.graph.store import GraphStore
from dragonbear.service.api.models import ErrorBody
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.runtime.negotiation import Representation, choose_among

__all__ = ["router"]

CITATIONS: tuple[Representation, ...] = (
    Representation(CitationFormat.CSL_JSON.media_type, ("csl-json", "csl", "json"), ("application/json",)),
    Representation(CitationFormat.BIBTEX.media_type, ("bibtex", "bib"), ("text/x-bibtex",)),
    Representation(CitationFormat.RIS.media_type, ("ris",), ("application/x-ris",)),
    Representation(CitationFormat.TEXT.media_type, ("text", "txt")),
)
_FORMATS = {rep.media_type: fmt for rep in CITATIONS for fmt in CitationFormat if fmt.media_type == rep.media_type}


def _schema(rep: Representation) -> dict[str, object]:
    """The OpenAPI schema of a reference list in ``rep``: CSL-JSON is an array of items, the others text."""
    if _FORMATS[rep.media_type] is CitationFormat.CSL_JSON:
        return {"type": "array", "items": {"type": "object", "description": "a CSL-JSON item"}}
    return {"type": "string"}


router = APIRouter(prefix="/api", tags=["api"])


@router.get(
    "/cite",
    response_class=Response,
    summary="The references behind an entity",
    responses={
        200: {"content": {rep.media_type: {"schema": _schema(rep)} for rep in CITATIONS}},
        404: {"model": ErrorBody, "description": "no entity of that name"},
        406: {"model": ErrorBody, "description": "no acceptable citation format"},
    },
)
def cite(
    request: Request,
    served: ServedDep,
    entity: str = Query(..., description="the entity: an IRI, a prefixed name or any name"),
    kind: str | None = Query(None, description="only one kind of statement: " + ", ".join(KINDS)),
    format: str | None = Query(None, description="csl-json, bibtex, ris or text (wins over Accept)"),
) -> Response:
    """Every source that attests what the graph says about ``entity``, with the locators it is cited for."""
    if kind is not None and kind not in KINDS:
        raise ParameterError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    rep = choose_among(CITATIONS, request.headers.get("accept"), format, "citation")

    def work(store: GraphStore) -> str:
        iri = name_index(store).resolve(entity, what="entity")
        return format_references(references_for(store, iri, kind=kind), _FORMATS[rep.media_type])

    text = served.read(work, key=("api/cite", entity, kind, rep.media_type))
    return Response(text.encode("utf-8"), media_type=f"{rep.media_type}; charset=utf-8")
