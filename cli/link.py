"""``dragonbear link``: link coverage, and candidate links by name for review."""

from __future__ import annotations

import csv
import enum
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dragonbear.cli.app import StoreOption, _open_graph, app
from dragonbear.errors import UsageError

if TYPE_CHECKING:
    from dragonbear.graph.store import GraphStore

__all__ = ["LinkFormat", "link"]


class LinkFormat(str, enum.Enum):
    """Output formats of ``dragonbear link``."""

    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def link(
    suggest: Annotated[
        Path | None,
        typer.Option(
            "--suggest",
            help="A Wikidata file (entity JSON, dump lines, SPARQL JSON results) or DBpedia file "
            "(Turtle, N-Triples, JSON) whose labels to match against our names.",
        ),
    ] = None,
    coverage: Annotated[
        bool,
        typer.Option(
            "--coverage", help="Per entity class, how many entities have Wikidata/DBpedia links; list those without."
        ),
    ] = False,
    fmt: Annotated[LinkFormat, typer.Option("--format", "-f", help="Output format.")] = LinkFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="With --suggest: also write the candidates as skos:closeMatch to this Turtle file for review.",
        ),
    ] = None,
    min_score: Annotated[
        int,
        typer.Option(
            "--min-score",
            help="With --suggest: lowest name-match score kept (95 label, 90 other name, "
            "80 normalized, 60 one edit, 40 prefix).",
        ),
    ] = 80,
    include_all: Annotated[
        bool, typer.Option("--all", help="With --coverage: also count entities known only from SIPRI.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Report link coverage, or propose candidate links from a Wikidata or DBpedia file (never stored)."""
    from dragonbear.pipeline.links import link_coverage

    if (suggest is None) == (not coverage):
        raise UsageError("give exactly one of --coverage or --suggest FILE")
    if output is not None and suggest is None:
        raise UsageError("--output goes with --suggest FILE")
    db = _open_graph(store)
    if coverage:
        typer.echo(_coverage_text(link_coverage(db, include_all=include_all), fmt), nl=False)
        return
    assert suggest is not None
    _suggest(db, suggest, fmt=fmt, output=output, min_score=min_score)


def _suggest(db: GraphStore, suggest: Path, *, fmt: LinkFormat, output: Path | None, min_score: int) -> None:
    """Print the candidate links of ``suggest``'s names, and write them to ``output`` for review."""
    from dragonbear.pipeline.links import read_external_names, review_turtle, suggest_links

    found = suggest_links(db, read_external_names(suggest), min_score=min_score)
    if output is not None:
        try:
            output.write_text(review_turtle(found, source=suggest.name), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    typer.echo(_suggestions_text(found, fmt), nl=False)
    if output is not None:
        typer.echo(
            f"{sum(s.status != 'linked' for s in found)} candidates written to {output} "
            f"(skos:closeMatch, for review; nothing was written to the store)",
            err=True,
        )
    if not found:
        typer.echo("no candidate links", err=True)
        raise typer.Exit(1)


def _coverage_text(report: object, fmt: LinkFormat) -> str:
    from dragonbear.pipeline.links import CoverageReport

    assert isinstance(report, CoverageReport)
    if fmt == LinkFormat.json:
        return (
            json.dumps(
                {"summary": report.summary(), "entities": [vars(e) | {"linked": e.linked} for e in report.entities]},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if fmt == LinkFormat.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["class", "entity", "label", "wikidata_exact", "dbpedia_exact", "wikidata_close", "dbpedia_close"]
        )
        for e in report.entities:
            writer.writerow(
                [
                    e.entity_class,
                    e.iri,
                    e.label,
                    " ".join(e.wikidata_exact),
                    " ".join(e.dbpedia_exact),
                    " ".join(e.wikidata_close),
                    " ".join(e.dbpedia_close),
                ]
            )
        return out.getvalue()
    lines = [f"{'class':<18}{'entities':>9}{'wikidata':>10}{'dbpedia':>9}{'close only':>12}{'no link':>9}"]
    for row in report.summary():
        lines.append(
            f"{row['class']:<18}{row['entities']:>9}{row['wikidata_exact']:>10}{row['dbpedia_exact']:>9}"
            f"{row['close_only']:>12}{row['unlinked']:>9}"
        )
    lines.append("(wikidata, dbpedia: checked skos:exactMatch links; close only: skos:closeMatch candidates only)")
    close_only = [e for e in report.entities if e.linked and not e.checked]
    if close_only:
        lines.append("\nOnly candidate links (skos:closeMatch):")
        lines += [
            f"  {e.entity_class:<16} {e.iri}  {e.label}  -> {' '.join(e.wikidata_close + e.dbpedia_close)}"
            for e in close_only
        ]
    unlinked = report.unlinked()
    lines.append(f"\nWithout any link ({len(unlinked)}):")
    lines += [f"  {e.entity_class:<16} {e.iri}  {e.label}" for e in unlinked]
    return "\n".join(lines) + "\n"


def _suggestions_text(found: list, fmt: LinkFormat) -> str:  # type: ignore[type-arg]
    if fmt == LinkFormat.json:
        return json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=2) + "\n"
    if fmt == LinkFormat.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["entity", "entity_label", "external", "external_label", "matched", "score", "status"])
        for s in found:
            writer.writerow([s.entity, s.entity_label, s.external, s.external_label, s.matched, s.score, s.status])
        return out.getvalue()
    lines = [f"{'score':>5}  {'status':<9} {'our entity':<48} {'external id':<45} matched name"]
    lines += [
        f"{s.score:>5}  {s.status:<9} {s.entity:<48} {s.external:<45} {s.matched!r} "
        f"({s.entity_label} ~ {s.external_label})"
        for s in found
    ]
    return "\n".join(lines) + "\n"
