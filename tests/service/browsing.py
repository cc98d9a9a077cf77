"""What the browser tests share: a tab of Debian's Chromium that records every URL it asks for, and the
hosts of those URLs (no page may ask another origin for anything)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

QUIET_SECONDS = 0.15
"""How long a page must ask for nothing to count as settled (Playwright's ``networkidle`` waits 0.5 s)."""


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


def open_settled(tab: object, url: str, *, timeout: float = 30.0) -> None:
    """Open ``url`` in ``tab`` and wait until the page has loaded, has no request in flight and has
    asked for nothing for :data:`QUIET_SECONDS`: what its scripts fetch after the load (data for a
    drawing, a frame's page) has come. Playwright's ``networkidle`` waits the same way, for half a
    second of quiet after each page (the browser tests took 134 s with it, 118 s with this)."""
    pending: set[object] = set()
    last = [time.monotonic()]

    def started(request: object) -> None:
        pending.add(request)
        last[0] = time.monotonic()

    def ended(request: object) -> None:
        pending.discard(request)
        last[0] = time.monotonic()

    listeners = (("request", started), ("requestfinished", ended), ("requestfailed", ended))
    for event, listener in listeners:
        tab.on(event, listener)  # type: ignore[attr-defined]
    try:
        tab.goto(url, wait_until="load")  # type: ignore[attr-defined]
        deadline = time.monotonic() + timeout
        while pending or time.monotonic() - last[0] < QUIET_SECONDS:
            assert time.monotonic() < deadline, f"{url}: requests still in flight after {timeout:.0f} s: {pending}"
            tab.wait_for_timeout(25)  # type: ignore[attr-defined]
    finally:
        for event, listener in listeners:
            tab.remove_listener(event, listener)  # type: ignore[attr-defined]


def hosts(urls: list[str]) -> set[str]:
    """The hosts of ``urls``, leaving out ``data:``, ``blob:`` and ``about:`` addresses.

    >>> sorted(hosts(["http://127.0.0.1:8000/a", "data:,x", "https://cdn.example/b"]))
    ['127.0.0.1', 'cdn.example']
    """
    return {urlsplit(u).hostname or "" for u in urls if not u.startswith(("data:", "blob:", "about:"))}
