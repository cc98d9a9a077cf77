"""The page of a short link, ``/q/ID``: the snapshot a link keeps, under a notice that says when and
from which data release it was made, gives the link in a read-only box, and says whether the live view
shows the same data now (:mod:`~dragonbear.service.web.short_links` compares their data parts).
"""

from __future__ import annotations

import re

from dragonbear.service.runtime.link_store import LinkRecord
from dragonbear.service.web.layout import esc

__all__ = ["data_part", "snapshot_html"]

_SHARE_FORM = re.compile(r'<form class="share".*?</form>', re.S)
_RELEASE = re.compile(r"data release [^\s<,]+", re.I)
_NOTICE_STYLE = (
    "<style>.snapshot-notice { background: #fffbea; border-left: 4px solid #b7791f; padding: .5rem .8rem;"
    " margin: 0 0 1rem; } .snapshot-notice p { margin: .3rem 0; }"
    " .snapshot-notice input { font: inherit; width: 100%; max-width: 32rem; box-sizing: border-box;"
    " padding: .25rem .4rem; } .snapshot-notice label { font-weight: 600; display: block; }</style>"
)


def data_part(html: str, base_url: str) -> str:
    """What of a rendered view holds its data: the page's ``<main>`` without the footer, the share form,
    the release's text and the server's own URL (so that a view seen through another host compares equal).

    >>> data_part('<nav>x</nav><main id="c"><p>Data release 1.0. 3 rows at http://h/x</p><footer>f</footer></main>', "http://h")
    '<main id="c"><p>data release 3 rows at /x</p>'
    """
    start, end = html.find("<main"), html.rfind("<footer")
    part = html[max(start, 0) : end if end > start else len(html)]
    part = _RELEASE.sub("data release", _SHARE_FORM.sub("", part))
    return part.replace(base_url, "") if base_url else part


def _comparison(record: LinkRecord, live: str) -> str:
    link = f'<a href="{esc(record.path)}">live view</a>'
    if live == "same":
        return f"The {link} shows the same numbers on the data served now."
    if live == "changed":
        return (
            f"A newer data release, or a change to the data, changes these numbers: the {link} shows them as "
            "they are now. This page keeps them as they were."
        )
    return f"The {link} no longer answers as it did (status {esc(live)}). This page keeps what it showed."


def _notice(record: LinkRecord, url: str, live: str, pinned: str | None) -> str:
    on_release = (
        f"<p>The same page on release {esc(record.release)}, served for as long as the server keeps it: "
        f'<a href="{esc(pinned)}">{esc(pinned)}</a></p>'
        if pinned
        else ""
    )
    return (
        '<section class="snapshot-notice" aria-label="About this short link">'
        f"<p><strong>Snapshot.</strong> Made on {esc(record.made[:10])} from data release {esc(record.release)}.</p>"
        f'<p id="snapshot-comparison">{_comparison(record, live)}</p>{on_release}'
        f'<p><label for="short-link">Short link to this snapshot</label>'
        f'<input id="short-link" type="text" readonly value="{esc(url)}" aria-describedby="snapshot-comparison"></p>'
        "</section>"
    )


def snapshot_html(record: LinkRecord, url: str, live: str, *, pinned: str | None = None) -> str:
    """The page of a short link: the stored view (without its share form), the notice first in its main part.

    Args:
        record: the link's record, with the HTML rendered when it was made.
        url: the short link's own URL.
        live: ``"same"`` or ``"changed"`` (the live view's data part against the snapshot's), or the
            live view's HTTP status when it did not answer with a page.
        pinned: the address of the same page on the link's release, when the server keeps it
            (``/v/RELEASE/id/...``, :mod:`dragonbear.service.web.release_views`).
    """
    html = _SHARE_FORM.sub("", record.html)
    notice = _notice(record, url, live, pinned)
    start = html.find("<main")
    at = html.find(">", start) + 1 if start >= 0 else html.find(">", html.find("<body")) + 1
    html = html[:at] + notice + html[at:] if at > 0 else notice + html
    head_end = html.find("</head>")
    return html[:head_end] + _NOTICE_STYLE + html[head_end:] if head_end >= 0 else _NOTICE_STYLE + html
