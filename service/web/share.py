"""The "Share" control of a page: a form that posts the page's path to ``/q`` for a short link.

It is plain HTML (works without JavaScript, by keyboard, labelled); the answer is a redirect to the
link's page, ``/q/ID``, which shows the link in a read-only box
(:mod:`~dragonbear.service.web.short_links`). The form is marked ``class="share"`` so that a snapshot
can leave it out of what it compares and shows.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dragonbear.service.web.layout import esc

__all__ = ["share_form", "share_path"]


def share_path(url: str) -> str:
    """The local path and query string of ``url`` (what a short link is made of).

    >>> share_path("http://testserver/queries/transfers?supplier=Russia&recipient=China")
    '/queries/transfers?supplier=Russia&recipient=China'
    >>> share_path("/timeline")
    '/timeline'
    """
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def share_form(path: str) -> str:
    """The share form of the page at ``path`` (a local path with its query string).

    >>> html = share_form("/timeline?state=china")
    >>> 'action="/q"' in html and 'value="/timeline?state=china"' in html and "Make a short link" in html
    True
    """
    return (
        f'<form class="share" method="post" action="/q" aria-label="Share">'
        f'<input type="hidden" name="path" value="{esc(path)}">'
        '<span class="muted" id="share-hint">A link to this view as it is now, with the data release it shows.</span>'
        '<button type="submit" aria-describedby="share-hint">Make a short link</button></form>'
    )
