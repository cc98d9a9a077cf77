"""Short links to server-rendered views, pinned to the data release they were made on.

``POST /q`` (a form field or JSON ``path``: a local path with its query string, of a canned-query form
``/queries/{name}?...``, the timeline, the charts, an entity or browse page ``/id/...``, a search
``/search?q=...`` or an embed ``/embed/...``) renders that view now, in this process, through the app
itself (the same routes, time limit and caches as any request), and keeps a snapshot of it
(:mod:`~dragonbear.service.runtime.link_store`): 201 with ``Location: /q/ID`` and JSON
``{"id", "url", "path", "release"}``, or for a browser's form a 303 to ``/q/ID``. Any other path (another
host, a scheme, ``//``, the endpoint, the API, writes, a file rather than a page, over 2,000
characters) is a 400 with a message; a view that does not answer 200 cannot be linked (400, or 503
when the server is busy); a rendered view over 2 MB is refused (422, like any answer over a cap).

``GET /q/ID`` shows the snapshot (the numbers as they were) in the site's frame, under a notice: when
and from which release it was made, the link itself in a read-only box, and whether the live view now
shows the same data (its data part is rendered again and compared, leaving out the navigation, the
footer and the release's text) or a newer release or a change to the data changed it, with a link to
the live view. ``GET /q/ID.json`` is the record without its HTML. An unknown id is a 404.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dragonbear import data_release
from dragonbear.errors import ResultLimitError, ServiceUnavailableError, UnsupportedMediaTypeError, UsageError
from dragonbear.graph.dataset import store_release
from dragonbear.graph.releases import release_directory
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.link_store import LinkRecord, link_id, read_link, save_link
from dragonbear.service.runtime.served import ServedStore
from dragonbear.service.web.snapshot_page import data_part, snapshot_html

__all__ = ["MAX_HTML", "MAX_PATH", "checked_path", "data_digest", "router"]

MAX_PATH = 2000  # characters of a path with its query string
MAX_HTML = 2 << 20  # bytes of a rendered view
_MAX_BODY = 16 << 10  # bytes of a POST /q request
_VIEWS = re.compile(r"/(?:queries/[^/]+|timeline|charts|id/.*|search|embed/.+)")
_KINDS = "/queries/NAME?..., /timeline?..., /charts?..., /id/..., /search?q=... or /embed/..."


def checked_path(raw: str) -> str:
    """``raw`` if it is the local path of a view a short link may keep (without a fragment).

    Raises:
        UsageError: anything else, with what is allowed.

    >>> checked_path("/queries/transfers?supplier=Russia&recipient=China#results")
    '/queries/transfers?supplier=Russia&recipient=China'
    >>> checked_path("//evil.example/id/x")
    Traceback (most recent call last):
    ...
    dragonbear.errors.UsageError: a short link keeps a local path beginning with one "/", not '//evil.example/id/x'
    """
    if len(raw) > MAX_PATH:
        raise UsageError(f"the path is over {MAX_PATH:,} characters ({len(raw):,})")
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        raise UsageError(f'a short link keeps a local path beginning with one "/", not {raw[:200]!r}')
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise UsageError("the path holds control characters")
    parts = urlsplit(raw)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or any(s in (".", "..") for s in path.split("/")):
        raise UsageError(f"a short link keeps a local path, not {raw[:200]!r}")
    if not _VIEWS.fullmatch(path):
        raise UsageError(f"no short link to {parts.path[:200]!r}: a short link keeps a page of {_KINDS}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def data_digest(html: str, base_url: str) -> str:
    """A digest of the data part of a rendered view (:func:`~dragonbear.service.web.snapshot_page.data_part`).

    >>> view = "<main><p>1 row. Data release {}.</p><footer>Data release {}</footer></main>"
    >>> data_digest(view.format("1.0", "1.0"), "") == data_digest(view.format("2.0", "2.1"), "")
    True
    """
    return hashlib.blake2b(data_part(html, base_url).encode("utf-8"), digest_size=16).hexdigest()


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _release(store: GraphStore) -> str:
    return store_release(store) or data_release().version


async def render_view(request: Request, path: str) -> tuple[int, str, bytes]:
    """Ask this app for ``path`` as a browser would (``Accept: text/html``), in this process; the
    status, media type and body of its answer."""
    transport = httpx.ASGITransport(app=request.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=_base(request)) as client:
        reply = await client.get(path, headers={"Accept": "text/html"})
    return reply.status_code, reply.headers.get("content-type", ""), reply.content


def _checked_view(path: str, status: int, media_type: str, body: bytes) -> str:
    """The HTML of a rendered view that may be linked.

    Raises:
        ServiceUnavailableError: the view answered 503 (busy, or past the time limit).
        UsageError: it answered another error, or is not a page.
        ResultLimitError: it is larger than :data:`MAX_HTML`.
    """
    if status == 503:
        raise ServiceUnavailableError(f"{path} could not be rendered now (503): try again later")
    if status != 200:
        raise UsageError(f"{path} answers {status}, not a page to link to")
    if not media_type.startswith("text/html"):
        raise UsageError(f"{path} is a file ({media_type}), not a page: a short link keeps a page")
    if len(body) > MAX_HTML:
        raise ResultLimitError(f"the page at {path} is {len(body):,} bytes, over the {MAX_HTML:,} a short link keeps")
    return body.decode("utf-8")


async def _posted_path(request: Request) -> tuple[str, bool]:
    """The ``path`` of a POST /q (form or JSON), and whether a browser's form sent it.

    Raises:
        UnsupportedMediaTypeError: a body that is neither a form nor JSON.
        UsageError: no path, or a body too large for one.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > _MAX_BODY:
        raise UsageError(f"the request is over {_MAX_BODY:,} bytes; a path is at most {MAX_PATH:,} characters")
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get("path", [])
        value: object = values[0] if values else None
    elif kind == "application/json":
        try:
            doc = json.loads(body)
        except ValueError:
            raise UsageError("the request is not JSON") from None
        value = doc.get("path") if isinstance(doc, dict) else None
    else:
        raise UnsupportedMediaTypeError('send the path as a form field or as JSON {"path": ...}')
    if not isinstance(value, str) or not value:
        raise UsageError('no path: send the local path of a view as "path"')
    return value, kind != "application/json" and "text/html" in request.headers.get("accept", "")


router = APIRouter(include_in_schema=False)


@router.post("/q")
async def make_link(request: Request, served: ServedDep) -> Response:
    """Render a view now and keep a snapshot of it under a short link (see the module's text)."""
    raw, browser = await _posted_path(request)
    path = checked_path(raw)
    release = await run_in_threadpool(served.read, _release, key=("short-links", "release"))
    generation = served.generation()
    html = _checked_view(path, *await render_view(request, path))
    digest = data_digest(html, _base(request))
    made = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    record = LinkRecord(
        link_id(path, release, digest), path, release, generation.name if generation else "", made, digest, html
    )
    record = await run_in_threadpool(save_link, served.store_dir, record)
    where = f"/q/{record.id}"
    if browser:
        return RedirectResponse(where, status_code=303)
    doc = {"id": record.id, "url": _base(request) + where, "path": record.path, "release": record.release}
    return JSONResponse(doc, status_code=201, headers={"Location": where})


@router.get("/q/{ident}")
async def show_link(ident: str, request: Request, served: ServedDep) -> Response:
    """The snapshot of a short link with how the live view compares (``.json``: its record)."""
    if ident.endswith(".json"):
        record = await run_in_threadpool(read_link, served.store_dir, ident.removesuffix(".json"))
        pinned = _pinned(served, record)
        return JSONResponse(
            record.public()
            | {"url": f"{_base(request)}/q/{record.id}"}
            | ({"release_url": _base(request) + pinned} if pinned else {})
        )
    record = await run_in_threadpool(read_link, served.store_dir, ident)
    status, media_type, body = await render_view(request, record.path)
    if status == 200 and media_type.startswith("text/html"):
        live = "same" if data_digest(body.decode("utf-8"), _base(request)) == record.digest else "changed"
    else:
        live = str(status)
    return HTMLResponse(snapshot_html(record, f"{_base(request)}/q/{record.id}", live, pinned=_pinned(served, record)))


def _pinned(served: ServedStore, record: LinkRecord) -> str | None:
    """The link's page on its release (``/v/RELEASE/id/...``), when it is an entity or browse page and
    the server keeps that release."""
    if not record.path.startswith("/id/") or release_directory(served.store_dir, record.release) is None:
        return None
    return f"/v/{record.release}{record.path}"
