"""The frame of an embeddable view (``/embed/...``), and the snippet that embeds one in another site.

An embed is a page for another site's ``<iframe>``: no site header, navigation or search box, only the
view, a line with the data release, the licence (CC BY 4.0) and, where its rows come from SIPRI,
SIPRI's attribution, and a link that opens the full page in Dragonbear (in a new tab: every link of an
embed opens in one, so that the frame never turns into the site). It fits any width down to 320 px;
a table scrolls sideways in its own wrapper (``/static/frame.js`` makes a wrapper that scrolls a
focusable, named region, as on every page).

Embeds are sent with ``Content-Security-Policy: frame-ancestors *`` (any site may frame them) and the
rest of the policy allowing only this origin
(:data:`~dragonbear.service.runtime.security_headers.EMBED_POLICY`); every other page is sent with
``frame-ancestors 'self'`` (only this origin may frame it).
"""

from __future__ import annotations

from html import escape

from dragonbear.graph.dataset import SIPRI_ATTRIBUTION, SIPRI_URL
from dragonbear.service.runtime.answer_files import CC_BY, FileFacts
from dragonbear.service.runtime.security_headers import EMBED_POLICY
from dragonbear.service.web.layout import FRAME_SCRIPT, STYLE, esc

__all__ = ["EMBED_POLICY", "embed_details", "embed_headers", "embed_page", "embed_snippet"]


_EMBED_STYLE = """
main { max-width: none; padding: .5rem .7rem .6rem; }
h1 { font-size: 1.1rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
.embed-credit { font-size: .8rem; color: var(--muted); border-top: 1px solid var(--line); margin: .5rem 0 0;
                padding-top: .3rem; }
.embed-credit a { white-space: nowrap; }
figure { margin: 0; } figure img { max-width: 100%; height: auto; display: block; }
.lineage { padding: .2rem; }
@media (max-width: 640px) { main { padding: .4rem .5rem; } h1 { font-size: 1rem; } }
"""


def embed_headers(facts: FileFacts) -> dict[str, str]:
    """The headers of an embed: the frame policy, the release, the licence and SIPRI's attribution.

    >>> h = embed_headers(FileFacts("1.2.0", True))
    >>> h["Content-Security-Policy"].endswith("frame-ancestors *"), h["Dragonbear-Attribution"]
    (True, 'Source: SIPRI Arms Transfers Database')
    """
    links = [f'<{CC_BY}>; rel="license"']
    headers = {"Content-Security-Policy": EMBED_POLICY, "Dragonbear-Release": facts.release}
    if facts.sipri:
        links.append(f'<{SIPRI_URL}>; rel="license"; title="SIPRI terms"')
        headers["Dragonbear-Attribution"] = SIPRI_ATTRIBUTION
    headers["Link"] = ", ".join(links)
    return headers


def _credit(facts: FileFacts, open_url: str) -> str:
    sipri = f' {esc(SIPRI_ATTRIBUTION)} (<a href="{SIPRI_URL}">SIPRI</a>).' if facts.sipri else ""
    return (
        f'<p class="embed-credit">Dragonbear, data release {esc(facts.release)}, '
        f'<a href="{CC_BY}" rel="license noopener">CC BY 4.0</a>.{sipri} '
        f'<a href="{esc(open_url)}" target="_blank" rel="noopener">Open in Dragonbear</a></p>'
    )


def embed_page(title: str, body: str, *, facts: FileFacts, open_url: str) -> str:
    """A whole HTML document for an iframe: ``body`` (HTML) in ``<main>``, then the credit line.

    Args:
        title: the view's title (plain text, escaped here).
        body: the view, already HTML.
        facts: the release, and whether SIPRI is owed an attribution.
        open_url: the full page in Dragonbear (a path of this server).

    >>> html = embed_page("J-11", "<p>x</p>", facts=FileFacts("1.2.0", False), open_url="/id/system/j-11")
    >>> '<base target="_blank">' in html and "Open in Dragonbear" in html and "<nav" not in html
    True
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f'<base target="_blank"><title>{esc(title)} · Dragonbear</title><style>{STYLE}{_EMBED_STYLE}</style>'
        f'<script src="{FRAME_SCRIPT}" defer></script></head><body class="embed">'
        f'<main id="content">{body}{_credit(facts, open_url)}</main></body></html>'
    )


def embed_snippet(src: str, title: str, height: int) -> str:
    """The HTML that embeds the view at ``src`` (an absolute URL) in another page.

    >>> embed_snippet("http://x/embed/chart/c?from=2000", "A <chart>", 480)
    '<iframe src="http://x/embed/chart/c?from=2000" width="800" height="480" style="max-width:100%;border:0" title="A &lt;chart&gt; (Dragonbear)" loading="lazy"></iframe>'
    """
    return (
        f'<iframe src="{escape(src)}" width="800" height="{height}" style="max-width:100%;border:0" '
        f'title="{escape(title)} (Dragonbear)" loading="lazy"></iframe>'
    )


def embed_details(src: str, title: str, height: int) -> str:
    """A folded "Embed" block with the snippet to copy (for a page without a "get this data" panel).

    >>> "<summary>Embed this" in embed_details("http://x/embed/lineage/j-11", "J-11", 600)
    True
    """
    return (
        f'<details class="embed-snippet"><summary>Embed this in another site</summary><p class="muted">Copy this '
        f"HTML; the view is read-only and fits any width.</p><pre><code>{esc(embed_snippet(src, title, height))}"
        "</code></pre></details>"
    )
