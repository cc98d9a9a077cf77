"""The HTML shell of the web pages: escaping, links to the project's IRIs, tables, the page frame.

Every text that goes into HTML passes through :func:`esc` (or is built by a function here that
escapes it). The project's IRIs (``https://w3id.org/dragonbear/...``) link to the same server's
paths, so that the pages can be browsed on any host the service runs on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from dragonbear import data_release
from dragonbear.namespaces import DGB, ID, ONTOLOGY_IRI, PREFIXES

__all__ = ["STYLE", "esc", "iri_link", "local_path", "page", "short_iri", "table"]

STYLE = """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d8dde5; --accent: #8a1c1c; --bg: #fbfbf9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       color: var(--ink); background: var(--bg); }
header.site { background: #1d2430; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.4rem; align-items: baseline; }
header.site a { color: #fff; text-decoration: none; }
header.site .brand { font-weight: 700; font-size: 1.1rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
main.wide { max-width: none; }
h1 { margin: .4rem 0 .2rem; font-size: 1.7rem; }
h2 { margin: 2rem 0 .5rem; font-size: 1.2rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { margin: 1.2rem 0 .3rem; font-size: 1.05rem; }
a { color: #1a4f8b; }
code, .iri { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; word-break: break-all; }
.muted { color: var(--muted); }
.tag { display: inline-block; background: #eef1f5; border: 1px solid var(--line); border-radius: 3px;
       padding: 0 .4rem; margin: 0 .3rem .2rem 0; font-size: .85em; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92em; background: #fff; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
tr.conflict td { background: #fff4f2; }
table.claims td:nth-child(2) { min-width: 24rem; } table.conflicts td:last-child { min-width: 18rem; }
table.claims td:first-child, table.conflicts td:first-child { max-width: 16rem; }
.note { background: #fff; border-left: 4px solid var(--line); padding: .4rem .8rem; }
.lineage { overflow-x: auto; background: #fff; border: 1px solid var(--line); text-align: center; padding: .5rem; }
dl.term { margin: .2rem 0 1rem; } dl.term dt { font-weight: 600; float: left; clear: left; width: 9rem; }
dl.term dd { margin-left: 9.5rem; }
section.term { border-top: 1px solid var(--line); padding: .3rem 0; }
footer { color: var(--muted); font-size: .85em; margin-top: 3rem; }
"""


def esc(value: object) -> str:
    """``value`` as text, escaped for HTML content and attribute values.

    >>> esc('<b a="1">&')
    '&lt;b a=&quot;1&quot;&gt;&amp;'
    """
    return escape("" if value is None else str(value), quote=True)


def local_path(iri: str) -> str | None:
    """The path on this server that serves the project IRI ``iri``, or None for other IRIs.

    >>> local_path("https://w3id.org/dragonbear/id/system/j-11")
    '/id/system/j-11'
    >>> local_path("https://w3id.org/dragonbear/ontology#SystemModel")
    '/ontology#SystemModel'
    >>> local_path("http://dbpedia.org/resource/Shenyang_J-11") is None
    True
    """
    if iri.startswith(ID):
        return "/id/" + iri[len(ID) :]
    if iri == ONTOLOGY_IRI or iri.startswith(DGB):
        return "/ontology" + iri[len(ONTOLOGY_IRI) :]
    return None


def short_iri(iri: str) -> str:
    """The IRI as a prefixed name when a project prefix fits, else the IRI.

    >>> short_iri("https://w3id.org/dragonbear/id/system/j-11")
    'system:j-11'
    """
    best = max(
        (
            (p, ns)
            for p, ns in PREFIXES.items()
            if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]
        ),
        key=lambda pn: len(pn[1]),
        default=None,
    )
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def iri_link(iri: str, label: str | None = None) -> str:
    """An ``<a>`` element for ``iri``: local path for project IRIs, the IRI itself otherwise."""
    href = local_path(iri) or iri
    text = label if label else short_iri(iri)
    title = f' title="{esc(iri)}"' if label else ""
    return f'<a href="{esc(href)}"{title}>{esc(text)}</a>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    row_classes: Sequence[str] | None = None,
    caption: str | None = None,
    css_class: str | None = None,
) -> str:
    """An HTML table; ``headers`` are escaped here, cells must already be HTML (escaped by the caller)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes and i < len(row_classes) and row_classes[i] else ""
        attr = f' class="{esc(cls)}"' if cls else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return f"<table{attr}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, body: str, *, head: str = "", wide: bool = False) -> str:
    """A whole HTML document: site header, ``body`` (HTML) in ``<main>``, the stylesheet inline.

    Args:
        title: the page title (plain text, escaped here).
        body: the page content, already HTML.
        head: extra elements for ``<head>`` (already HTML).
        wide: let the content use the full width (the query page).
    """
    main_class = ' class="wide"' if wide else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{esc(title)} · Dragonbear</title><style>{STYLE}</style>{head}</head><body>"
        '<header class="site"><a class="brand" href="/">Dragonbear</a>'
        '<a href="/">Query</a><a href="/explore">Lineage</a><a href="/ontology">Ontology</a><a href="/charts">Charts</a><a href="/download">Download</a><a href="/api/queries">API</a><a href="/openapi.json">OpenAPI</a></header>'
        f"<main{main_class}>{body}"
        "<footer>Dragonbear: an open knowledge graph of Russia–China military-technical cooperation. "
        f"Data release {esc(data_release().version)} ({esc(data_release().issued)}). "
        'Arms transfer data: SIPRI Arms Transfers Database. <a href="/download">Download the data</a>.</footer></main></body></html>'
    )
