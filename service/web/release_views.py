"""Kept releases at their own URLs: ``/v/RELEASE/sparql`` and ``/v/RELEASE/id/...``.

A build keeps the release it made (:mod:`dragonbear.graph.releases`). :class:`ReleaseViews` serves a
kept release through the same routes as the live graph: a request for ``/v/RELEASE/sparql`` or
``/v/RELEASE/id/...`` goes to the route of ``/sparql`` or ``/id/...`` with the served store pinned to
the release (:meth:`~dragonbear.service.runtime.served.ServedStore.pinned`), so every read it makes
(the query, the page, the RDF, the browse list) answers from the release, under the same time limit,
cap and caches, keyed by the release's own folder. The request's root path becomes ``/v/RELEASE``,
so base IRIs and the service description name the release's endpoint.

HTML pages are then pinned too (:func:`pin_html`): their links to entity pages and to the endpoint
stay in the release, a notice says which release the page shows and links the live page, the footer
names the release, and the share form (a short link of the live view) is left out: the address of a
release's page is already a link that keeps its numbers.

``/v/`` lists the kept releases (HTML, or JSON by ``Accept`` or ``?format=json``), and ``/v/RELEASE/``
says what one release offers.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dragonbear import data_release
from dragonbear.errors import NotFoundError
from dragonbear.graph.releases import kept_releases
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.served import ServedStore
from dragonbear.service.web.home import Release, store_release_of
from dragonbear.service.web.layout import esc, page

__all__ = ["ReleaseViews", "pin_html", "router"]

ErrorResponder = Callable[[Request, Exception], Awaitable[Response]]

_PINNED_PATH = re.compile(r"/v/([^/]+)(/sparql|/id/.*|/id)$")
_LOCAL_LINK = re.compile(r'((?:href|action)=")(/id/|/id"|/sparql\b)')
_SHARE_FORM = re.compile(r'<form class="share".*?</form>', re.S)
_MAIN = re.compile(r'<main id="content"[^>]*>')
_STYLE = (
    "<style>.release-notice { background: #eef6ff; border-left: 4px solid #2b6cb0; padding: .5rem .8rem;"
    " margin: 0 0 1rem; }</style>"
)


def pin_html(html: str, release: Release, live_path: str) -> str:
    """A page of the live routes as the page of ``release``: links to entity pages and the endpoint
    stay in the release, a notice names it and links ``live_path``, the footer names the release, and
    the share form is left out.

    >>> doc = ('<html><head></head><body><main id="content"><a href="/id/system/j-11">J-11</a>'
    ...        '<a href="/charts">c</a><form class="share" action="/q"></form>'
    ...        f'<footer>Data release {data_release().version} ({data_release().issued}).</footer></main></body></html>')
    >>> out = pin_html(doc, Release("2025.1.0", "2025-01-02"), "/id/system/j-11")
    >>> 'href="/v/2025.1.0/id/system/j-11"' in out, 'href="/charts"' in out, 'class="share"' in out
    (True, True, False)
    >>> "Data release 2025.1.0 (2025-01-02)" in out, 'class="release-notice"' in out
    (True, True)
    """
    version = esc(release.version)
    prefix = f"/v/{version}"
    out = _SHARE_FORM.sub("", html)
    out = _LOCAL_LINK.sub(lambda m: m.group(1) + prefix + m.group(2), out)
    shipped = data_release()
    out = out.replace(
        f"Data release {esc(shipped.version)} ({esc(shipped.issued)})",
        f"Data release {version}" + (f" ({esc(release.issued)})" if release.issued else ""),
    )
    issued = f", issued {esc(release.issued)}" if release.issued else ""
    notice = (
        f'<div class="release-notice" role="note"><p><strong>Data release {version}</strong>{issued}, as its '
        "build made it. This address gives the same answer for as long as the server keeps the release. "
        f'<a href="{esc(live_path)}">The live page</a> · <a href="/v/">kept releases</a> · '
        f'<a href="{prefix}/sparql">query this release</a>. Links to queries, charts, the timeline and the '
        "explorer open the live graph.</p></div>"
    )
    out = out.replace("</head>", _STYLE + "</head>", 1)
    return _MAIN.sub(lambda m: m.group(0) + notice, out, count=1)


class ReleaseViews:
    """ASGI middleware: ``/v/RELEASE/sparql`` and ``/v/RELEASE/id/...`` answered by the live routes
    on the pinned release (see the module's text); every other request passes unchanged."""

    def __init__(self, app: ASGIApp, *, served: ServedStore, on_error: ErrorResponder) -> None:
        self.app = app
        self.served = served
        self.on_error = on_error
        self._releases: dict[str, Release] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "/v/" not in scope["path"]:
            await self.app(scope, receive, send)
            return
        match = _PINNED_PATH.match(get_route_path(scope))
        if match is None:
            await self.app(scope, receive, send)
            return
        version, rest = match.group(1), match.group(2)
        try:
            pinned = self.served.release(version)
        except NotFoundError as exc:
            response = await self.on_error(Request(scope, receive), exc)
            await response(scope, receive, send)
            return
        release = self._release_of(version, pinned[1])
        root = scope.get("root_path", "") + f"/v/{version}"
        child = dict(scope, root_path=root, app_root_path=root, path=root + rest)
        live_path = rest + (("?" + scope["query_string"].decode("latin-1")) if scope.get("query_string") else "")
        with self.served.pinned(pinned):
            await self.app(child, receive, _PinnedSend(send, release, live_path))

    def _release_of(self, version: str, store: GraphStore) -> Release:
        known = self._releases.get(version)
        if known is None:
            known = self._releases[version] = store_release_of(store)
        return known


class _PinnedSend:
    """The ``send`` of a pinned request: HTML bodies through :func:`pin_html`, and a local ``Location``
    kept in the release."""

    def __init__(self, send: Send, release: Release, live_path: str) -> None:
        self.send = send
        self.release = release
        self.live_path = live_path
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            prefix = b"/v/" + self.release.version.encode()
            headers = [
                (k, prefix + v if k.lower() == b"location" and _local(v) and not v.startswith(prefix + b"/") else v)
                for k, v in message.get("headers", [])
            ]
            message = dict(message, headers=headers)
            media = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if media.startswith(b"text/html"):
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.start is not None:
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = pin_html(b"".join(self.chunks).decode("utf-8"), self.release, self.live_path).encode("utf-8")
            headers = [(k, v) for k, v in self.start["headers"] if k.lower() not in (b"content-length", b"etag")]
            await self.send(dict(self.start, headers=[*headers, (b"content-length", str(len(html)).encode())]))
            await self.send({"type": "http.response.body", "body": html})
            return
        await self.send(message)


def _local(location: bytes) -> bool:
    """Whether a ``Location`` is a path on this server (not ``//host/...``)."""
    return location.startswith(b"/") and not location.startswith(b"//")


router = APIRouter(include_in_schema=False)


def _listing(served: ServedStore) -> list[dict[str, str]]:
    current = served.current()
    live = store_release_of(current[1]).version
    out = []
    for kept in kept_releases(served.store_dir):
        release = store_release_of(served.release(kept.version)[1])
        out.append(
            {
                "release": kept.version,
                "issued": release.issued,
                "generation": kept.generation,
                "sparql": f"/v/{kept.version}/sparql",
                "entities": f"/v/{kept.version}/id/",
                "current": "yes" if kept.version == live else "no",
            }
        )
    return out


@router.get("/v")
def releases_redirect() -> RedirectResponse:
    """``/v`` is ``/v/``."""
    return RedirectResponse("/v/", status_code=308)


@router.get("/v/")
def releases_page(request: Request, served: ServedDep, format: str | None = None) -> Response:
    """The kept releases, newest first: HTML, or JSON (``Accept: application/json`` or ``?format=json``)."""
    rows = served.read(_listing_reader(served), key=("releases", "listing"))
    accept = request.headers.get("accept") or ""
    if format == "json" or (format is None and "application/json" in accept and "html" not in accept):
        return JSONResponse({"releases": rows})
    if format not in (None, "html", "json"):
        raise NotFoundError(f"no format {format!r} for /v/: html or json")
    return HTMLResponse(_releases_html(rows))


def _listing_reader(served: ServedStore) -> Callable[[GraphStore], list[dict[str, str]]]:
    return lambda _store: _listing(served)


def _releases_html(rows: list[dict[str, str]]) -> str:
    items = "".join(
        f"<li><strong>{esc(r['release'])}</strong>"
        + (f" (issued {esc(r['issued'])})" if r["issued"] else "")
        + (" · the current release" if r["current"] == "yes" else "")
        + f' · <a href="{esc(r["sparql"])}">its SPARQL endpoint</a> · <a href="/v/{esc(r["release"])}/">what it offers</a></li>'
        for r in rows
    )
    body = (
        "<h1>Kept data releases</h1><p>Each release stays queryable at its own address, as its build made it, "
        "for as long as the server keeps it: <code>/v/RELEASE/sparql</code> for SPARQL and "
        "<code>/v/RELEASE/id/…</code> for entity pages and their RDF. Loads and writes change the live graph, "
        "never a kept release.</p>"
        + (
            f"<ul>{items}</ul>"
            if rows
            else "<p>This server keeps no release: its graph was built before releases "
            "were kept, or is on a SPARQL server.</p>"
        )
        + '<p><a href="/v/?format=json">This list as JSON</a></p>'
    )
    return page("Kept data releases", body)


@router.get("/v/{release}/")
def release_page(release: str, served: ServedDep) -> HTMLResponse:
    """What one kept release offers: its endpoint (with a query box) and its entity pages."""
    path, store = served.release(release)
    info = served.read(lambda _s: store_release_of(store), key=("releases", str(path)))
    version = esc(info.version)
    issued = f" (issued {esc(info.issued)})" if info.issued else ""
    body = (
        f"<h1>Data release {version}</h1><p>Release {version}{issued}, as its build made it. Its addresses "
        "give the same answers for as long as this server keeps the release.</p>"
        f"<ul><li>SPARQL 1.1 endpoint: <code>/v/{version}/sparql</code> (GET or POST, the same protocol and "
        f'formats as <a href="/sparql">/sparql</a>)</li><li>Entity pages and their RDF: '
        f'<code>/v/{version}/id/…</code>, for example <a href="/v/{version}/id/system/">its systems</a></li></ul>'
        f'<form method="get" action="/v/{version}/sparql"><label for="release-query">A SPARQL query on release '
        f'{version}</label><br><textarea id="release-query" name="query" rows="6" style="width: 100%; max-width: 40rem; box-sizing: border-box">'
        "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }</textarea><br>"
        '<button type="submit">Run</button></form><p><a href="/v/">All kept releases</a></p>'
    )
    return HTMLResponse(page(f"Data release {info.version}", body))
