"""The HTML shell of the web pages: escaping, links to the project's IRIs, tables, the page frame.

Every text that goes into HTML passes through :func:`esc` (or is built by a function here that
escapes it). The project's IRIs (``https://w3id.org/dragonbear/...``) link to the same server's
paths, so that the pages can be browsed on any host the service runs on.

The frame (:func:`page`) puts the site's navigation and a search box on every page: a form that
asks ``/search`` for a name, whose suggestions as one types come from ``/api/search`` through the
package's own small script (``/static/search.js``, an ARIA combobox: arrow keys, Enter, Escape).
Nothing is loaded from another origin.

Accessibility is the frame's too: a "Skip to content" link comes first and moves the focus to
``<main>``; every control shows its focus; the header wraps on a phone. Every table (:func:`table`)
sits in a wrapper that scrolls sideways instead of widening the page, and ``/static/frame.js`` wraps
the tables other code writes and makes a wrapper that scrolls a focusable, named region, so that it
scrolls by keyboard too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from dragonbear import data_release
from dragonbear.namespaces import DGB, ID, ONTOLOGY_IRI, PREFIXES

__all__ = [
    "FRAME_SCRIPT",
    "SEARCH_SCRIPT",
    "STYLE",
    "esc",
    "iri_link",
    "local_path",
    "page",
    "search_box",
    "short_iri",
    "table",
    "web_href",
]

STYLE = """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d8dde5; --accent: #8a1c1c; --bg: #fbfbf9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       color: var(--ink); background: var(--bg); }
header.site { background: #1d2430; color: #fff; padding: .5rem 1.2rem; display: flex; flex-wrap: wrap; gap: .4rem 1.4rem;
               align-items: center; }
header.site a { color: #fff; text-decoration: none; }
header.site a:hover, header.site a:focus-visible { text-decoration: underline; }
header.site .brand { font-weight: 700; font-size: 1.1rem; }
header.site nav { display: flex; flex-wrap: wrap; gap: .2rem 1.1rem; }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
main:focus-visible { outline: none; }
a.skip-link { position: absolute; left: .5rem; top: -4rem; z-index: 50; background: #fff; color: #1a4f8b; padding: .4rem .8rem;
              border: 2px solid #1a4f8b; border-radius: 3px; font-weight: 600; }
a.skip-link:focus { top: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
                   white-space: nowrap; margin: -1px; padding: 0; border: 0; }
form.site-search { margin-left: auto; display: flex; gap: .4rem; align-items: center; position: relative; }
form.site-search label { font-size: .85em; color: #d6dbe3; }
form.site-search input { width: 17rem; max-width: 100%; font: inherit; padding: .25rem .45rem; border: 1px solid #8792a2;
                         border-radius: 3px; }
form.site-search button, form.filters button { font: inherit; padding: .25rem .7rem; border-radius: 3px;
                         border: 1px solid #8792a2; background: #eef1f5; color: var(--ink); cursor: pointer; }
.combo { position: relative; flex: 1; }
ul.suggestions { position: absolute; z-index: 20; top: 100%; left: 0; right: 0; min-width: 17rem; margin: 2px 0 0;
                 padding: 0; list-style: none; background: #fff; color: var(--ink); border: 1px solid #8792a2;
                 border-radius: 3px; box-shadow: 0 4px 12px rgba(0,0,0,.2); max-height: 24rem; overflow-y: auto; }
ul.suggestions li { padding: .35rem .6rem; cursor: pointer; border-bottom: 1px solid var(--line); }
ul.suggestions li[aria-selected="true"], ul.suggestions li:hover { background: #dfe8f5; }
ul.suggestions .kind, ul.suggestions .matched { display: block; font-size: .8em; color: var(--muted); }
.table-wrap { max-width: 100%; overflow-x: auto; margin: .4rem 0 1rem; }
.table-wrap > table { margin: 0; }
.table-wrap[tabindex]:focus-visible { outline-offset: -3px; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.2rem 3rem; overflow-wrap: break-word; }
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
svg a:focus { outline: none; } svg a:focus-visible rect { stroke: #f0b429; stroke-width: 4px; }
.lineage { overflow-x: auto; background: #fff; border: 1px solid var(--line); text-align: center; padding: .5rem; }
dl.term { margin: .2rem 0 1rem; } dl.term dt { font-weight: 600; float: left; clear: left; width: 9rem; }
dl.term dd { margin-left: 9.5rem; }
section.term { border-top: 1px solid var(--line); padding: .3rem 0; }
footer { color: var(--muted); font-size: .85em; margin-top: 3rem; }
.scroll { overflow-x: auto; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: flex-end; background: #fff;
               border: 1px solid var(--line); padding: .6rem .8rem; margin: .6rem 0; }
form.filters .control { display: flex; flex-direction: column; gap: .15rem; max-width: 100%; }
form.filters label { font-size: .85em; font-weight: 600; }
form.filters select, form.filters input { font: inherit; padding: .2rem .3rem; max-width: 100%; }
form.filters input[type=number] { width: 7rem; }
form.filters .buttons { flex-direction: row; align-items: center; gap: .8rem; }
nav.pager ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem; padding: 0; }
nav.pager a, nav.pager span { display: inline-block; min-width: 2.2rem; padding: .2rem .5rem; text-align: center;
                              border: 1px solid var(--line); border-radius: 3px; background: #fff; }
nav.pager [aria-current] { background: #1d2430; color: #fff; font-weight: 600; }
nav.pager .gap { padding: .2rem; }
.crumbs { margin: .2rem 0; font-size: .9em; }
section.results ul { padding-left: 1.2rem; } section.results li { margin: .15rem 0; }
section.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .2rem 1.6rem;
                  background: #fff; border: 1px solid var(--line); padding: .3rem 1rem .6rem; margin: .8rem 0 1rem; }
section.summary h3 { margin: .5rem 0 .2rem; } section.summary p { margin: .2rem 0; }
section.summary ul { padding-left: 1.1rem; margin: .2rem 0; } section.summary ul.counts { columns: 2; }
/* Phones: the frame's own rules last, so that they win over those above. */
@media (max-width: 640px) {
  header.site { padding: .5rem .8rem; }
  form.site-search { margin-left: 0; flex-basis: 100%; }
  form.site-search input, ul.suggestions { width: 100%; min-width: 0; }
  header.site nav { gap: .2rem .8rem; }
  main { padding: .8rem .8rem 2rem; }
  dl.term dt { float: none; width: auto; } dl.term dd { margin-left: 1rem; }
  h1 { font-size: 1.4rem; overflow-wrap: anywhere; }
}
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


def web_href(iri: str) -> str | None:
    """Where a link to ``iri`` goes: this server's path for a project IRI, the IRI itself for an
    ``http`` or ``https`` one, and None for any other scheme (``javascript:``, ``data:``, ``file:``...),
    which the data may hold but a page never links to.

    >>> web_href("https://w3id.org/dragonbear/id/system/j-11"), web_href("http://dbpedia.org/resource/X")
    ('/id/system/j-11', 'http://dbpedia.org/resource/X')
    >>> web_href("javascript:alert(1)") is None and web_href(" JavaScript:alert(1)") is None
    True
    """
    local = local_path(iri)
    if local is not None:
        return local
    return iri if iri.lower().startswith(("http://", "https://")) else None


def iri_link(iri: str, label: str | None = None) -> str:
    """An ``<a>`` element for ``iri``: local path for project IRIs, the IRI itself for web IRIs, and
    plain text (no link) for an IRI of another scheme (see :func:`web_href`).

    >>> iri_link("javascript:alert(1)")
    '<span class="iri">javascript:alert(1)</span>'
    """
    href = web_href(iri)
    text = label if label else short_iri(iri)
    title = f' title="{esc(iri)}"' if label else ""
    if href is None:
        return f'<span class="iri"{title}>{esc(text)}</span>'
    return f'<a href="{esc(href)}"{title}>{esc(text)}</a>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    row_classes: Sequence[str] | None = None,
    caption: str | None = None,
    css_class: str | None = None,
) -> str:
    """An HTML table in a wrapper that scrolls sideways when the table is wider than the page;
    ``headers`` are escaped here, cells must already be HTML (escaped by the caller).

    >>> table(["a"], [["<b>1</b>"]])
    '<div class="table-wrap"><table><thead><tr><th>a</th></tr></thead><tbody><tr><td><b>1</b></td></tr></tbody></table></div>'
    """
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if row_classes and i < len(row_classes) and row_classes[i] else ""
        attr = f' class="{esc(cls)}"' if cls else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    attr = f' class="{esc(css_class)}"' if css_class else ""
    return (
        f'<div class="table-wrap"><table{attr}>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


SEARCH_SCRIPT = "/static/search.js"
FRAME_SCRIPT = "/static/frame.js"
_NAVIGATION = (
    ("/", "Query"),
    ("/id/", "Browse"),
    ("/explore", "Lineage"),
    ("/ontology", "Ontology"),
    ("/charts", "Charts"),
    ("/timeline", "Timeline"),
    ("/map", "Map"),
    ("/download", "Download"),
    ("/api/queries", "API"),
    ("/openapi.json", "OpenAPI"),
)


def search_box(text: str = "") -> str:
    """The site's search form: a labelled box (an ARIA combobox once the script runs), its suggestion
    list and a live region that says how many suggestions there are.

    >>> 'for="site-search"' in search_box() and 'role="combobox"' in search_box("J-11")
    True
    """
    return (
        '<form class="site-search" role="search" action="/search" method="get">'
        '<label for="site-search">Search names</label><div class="combo">'
        f'<input id="site-search" name="q" type="search" value="{esc(text)}" autocomplete="off" spellcheck="false" '
        'role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="site-search-list" '
        'aria-describedby="site-search-hint" placeholder="J-11, 歼-11, jian 11, Flanker">'
        '<ul id="site-search-list" class="suggestions" role="listbox" aria-label="Suggestions" hidden></ul></div>'
        '<button type="submit">Search</button>'
        '<span id="site-search-hint" class="visually-hidden">Any name in any language or spelling; '
        "suggestions appear as you type: arrow keys to choose, Enter to open, Escape to close.</span>"
        '<div id="site-search-status" class="visually-hidden" role="status" aria-live="polite"></div></form>'
    )


def page(title: str, body: str, *, head: str = "", wide: bool = False, search: str = "") -> str:
    """A whole HTML document: site header (navigation and search box), ``body`` (HTML) in ``<main>``,
    the stylesheet inline.

    Args:
        title: the page title (plain text, escaped here).
        body: the page content, already HTML.
        head: extra elements for ``<head>`` (already HTML).
        wide: let the content use the full width (the query page).
        search: the text the search box starts with (the search page's query).
    """
    main_class = ' class="wide"' if wide else ""
    links = "".join(f'<a href="{href}">{esc(text)}</a>' for href, text in _NAVIGATION)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>{esc(title)} · Dragonbear</title><style>{STYLE}</style>"
        f'<script src="{SEARCH_SCRIPT}" defer></script><script src="{FRAME_SCRIPT}" defer></script>{head}</head><body>'
        '<a class="skip-link" href="#content">Skip to content</a>'
        f'<header class="site"><a class="brand" href="/">Dragonbear</a><nav aria-label="Site">{links}</nav>'
        f"{search_box(search)}</header>"
        f'<main id="content" tabindex="-1"{main_class}>{body}'
        "<footer>Dragonbear: an open knowledge graph of Russia–China military-technical cooperation. "
        f"Data release {esc(data_release().version)} ({esc(data_release().issued)}); "
        '<a href="/v/">kept releases</a>. '
        'Arms transfer data: SIPRI Arms Transfers Database. <a href="/download">Download the data</a>.</footer></main></body></html>'
    )
