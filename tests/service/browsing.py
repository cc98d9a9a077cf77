"""What the browser tests share: a tab of Debian's Chromium that records every URL it asks for, and the
hosts of those URLs (no page may ask another origin for anything)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit


def open_tab(browser: object, width: int = 1280, height: int = 800, *, bypass_csp: bool = False) -> Iterator[object]:
    """A new tab in a fresh browser context of ``width`` x ``height``; ``tab.requests`` lists every URL
    it asks for. Closed afterwards (use with ``yield from`` in a fixture). ``bypass_csp`` lets a test
    inject a script of its own (axe-core) into pages whose policy allows only the server's scripts."""
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    yield tab
    context.close()


def hosts(urls: list[str]) -> set[str]:
    """The hosts of ``urls``, leaving out ``data:``, ``blob:`` and ``about:`` addresses.

    >>> sorted(hosts(["http://127.0.0.1:8000/a", "data:,x", "https://cdn.example/b"]))
    ['127.0.0.1', 'cdn.example']
    """
    return {urlsplit(u).hostname or "" for u in urls if not u.startswith(("data:", "blob:", "about:"))}
