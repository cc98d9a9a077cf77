"""``/download``: dumps of the whole store in N-Quads, TriG, Turtle and JSON-LD, plain or gzipped.

``GET /download`` lists them (an HTML page, or JSON for ``Accept: application/json`` or
``format=json``) with the link to their DCAT/VoID description (``/.well-known/void``).
``GET /download/dragonbear.{nq,trig,ttl,jsonld}[.gz]`` answers a file made once per store generation
beside the generations (a generation is read-only; :mod:`dragonbear.graph.dumps`)::

    STORE_DIR/downloads/gen-20261122T101500-4f2a/dragonbear.nq.gz

``dragonbear build`` and the loads write them before the generation becomes current, so the first
request is answered from disk. The server makes a missing file on its first request (and keeps it):
for a store built by an older version, a generation an HTTP write made (a write must not wait for
dumps of the whole store), and a SPARQL server's graphs (``--store URL``: the dumps are kept per
build in the local store directory). A file is written to a temporary name and renamed into place,
so a reader never sees half of it; the caches of generations that no longer exist are removed. The entity tag is the generation and the
file name, known before the file is made, so ``If-None-Match`` answers 304 without generating it.
The Turtle dump is the merge of all named graphs (Turtle has no graph names).
"""

from __future__ import annotations

import functools
import logging
import shutil
import threading
from pathlib import Path

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response

from dragonbear.errors import NotFoundError
from dragonbear.formats import FileFormat
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION, Distribution
from dragonbear.graph.dumps import DUMPS_DIR, DumpFile, dump_files, dumps_folder, write_dump_file
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.deps import ServedDep, current_generation_of
from dragonbear.service.runtime.negotiation import HTML, Representation, rank
from dragonbear.service.web.layout import esc, page

__all__ = ["CACHE_DIR", "DOWNLOAD_PATH", "DumpCache", "DumpFile", "dump_cache", "dump_files", "router"]

log = logging.getLogger("dragonbear.service")
DOWNLOAD_PATH = "/download"
CACHE_DIR = DUMPS_DIR


class DumpCache:
    """The dumps of a store directory's generations: those the build wrote, else made on first request.

    Args:
        store_dir: the store directory; the cache lives in its ``downloads`` folder.
    """

    def __init__(self, store_dir: Path) -> None:
        self.root = store_dir / DUMPS_DIR
        self.store_dir = store_dir
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()
        self.made = 0  # files this process made on request (none when the build made them)

    def path(self, generation: Path, file: DumpFile) -> Path:
        """Where the file of ``generation`` is (or will be) cached."""
        return dumps_folder(self.store_dir, generation) / file.name

    def size(self, generation: Path, file: DumpFile) -> int | None:
        """The size in bytes of a cached file, or None when it is not made yet."""
        try:
            return self.path(generation, file).stat().st_size
        except OSError:
            return None

    def _lock(self, generation: Path, file: DumpFile) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((generation.name, file.name), threading.Lock())

    def ensure(self, store: GraphStore, generation: Path, file: DumpFile) -> Path:
        """The dump of ``generation`` (the one ``store`` answers from), made now if the build did not make it.

        The build writes the dumps of each generation it makes; a store built by an older version, an
        HTTP write's generation or a SPARQL server's build has none, and its first request makes it
        (counted in :attr:`made`).

        Raises:
            StoreError: the cache cannot be written, or the dump failed.
        """
        target = self.path(generation, file)
        with self._lock(generation, file):
            if target.exists():
                return target
            if file.compressed:  # from the plain file, made (and kept) first
                self.ensure(store, generation, DumpFile(file.fmt, False))
            log.info("making %s of %s on its first request", file.name, generation.name)
            write_dump_file(store, target.parent, file)
            self.made += 1
            self._prune(generation)
        return target

    def _prune(self, current: Path) -> None:
        """Remove the caches of generations that are gone from the store directory."""
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name != current.name and not (self.store_dir / folder.name).is_dir():
                shutil.rmtree(folder, ignore_errors=True)

    def distributions(self, base: str, generation: Path) -> list[Distribution]:
        """Every dump as a DCAT distribution of the server at ``base``, with its size when cached."""
        return [
            Distribution(f"{base}{DOWNLOAD_PATH.lstrip('/')}/{f.name}", f.fmt, f.compressed, self.size(generation, f))
            for f in dump_files()
        ]


_LISTING_JSON = Representation(FileFormat.JSON.media_type, ("json",))


def _wants_json(request: Request) -> bool:
    """True when the listing goes out as JSON: ``format=json``, or an Accept header that ranks JSON above
    HTML (HTML among equals, and when it accepts neither)."""
    if request.query_params.get("format") == "json":
        return True
    return rank((HTML, _LISTING_JSON), request.headers.get("accept")) is _LISTING_JSON


def _listing_html(rows: list[dict[str, object]]) -> str:
    items = "".join(
        f'<tr><td><a href="{esc(r["url"])}" download>{esc(r["name"])}</a></td><td>{esc(r["format"])}</td>'
        f"<td>{'gzip' if r['compressed'] else ''}</td>"
        f"<td>{esc(format(r['bytes'], ',') if r['bytes'] is not None else 'made on first download')}</td></tr>"
        for r in rows
    )
    body = (
        "<h1>Download the graph</h1>"
        "<p>Dumps of the whole store, made from the current store generation. N-Quads, TriG and JSON-LD keep "
        "the named graphs; Turtle holds one graph, so its dump is the merge of all named graphs. The same "
        "dumps come from the command line: <code>dragonbear export --format nquads --gzip --output "
        "dragonbear.nq.gz</code>.</p>"
        "<table><thead><tr><th>file</th><th>format</th><th>compression</th><th>bytes</th></tr></thead>"
        f"<tbody>{items}</tbody></table>"
        "<p>The dataset, its licence and its sources are described in DCAT and VoID at "
        '<a href="/.well-known/void">/.well-known/void</a>. The project\'s own data is licensed under '
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; the arms-transfer facts of the '
        f"SIPRI graph remain under SIPRI's terms. {esc(SIPRI_ATTRIBUTION)}.</p>"
    )
    return page("Download", body)


@functools.cache
def dump_cache(store_dir: Path) -> DumpCache:
    """The one :class:`DumpCache` of a store directory in this process."""
    return DumpCache(store_dir)


router = APIRouter()
"""``/download`` and its files. A dump is written once per store generation, outside the query runner
and its time limit: it is an export of the whole store, not a query, and the first one of a large
store takes longer than any query may."""


@router.get(DOWNLOAD_PATH, include_in_schema=False)
async def listing(request: Request, served: ServedDep) -> Response:
    """The downloadable dumps, as HTML or JSON."""
    generation = current_generation_of(served)
    rows: list[dict[str, object]] = [
        {
            "name": f.name,
            "url": f"{DOWNLOAD_PATH}/{f.name}",
            "format": f.fmt.label,
            "media_type": f.media_type,
            "compressed": f.compressed,
            "named_graphs": f.fmt.keeps_graphs,
            "bytes": dump_cache(served.store_dir).size(generation, f),
        }
        for f in dump_files()
    ]
    if _wants_json(request):
        return JSONResponse(
            {
                "generation": generation.name,
                "description": "/.well-known/void",
                "attribution": SIPRI_ATTRIBUTION,
                "files": rows,
            },
            headers={"Vary": "Accept"},
        )
    return HTMLResponse(_listing_html(rows), headers={"Vary": "Accept"})


@router.api_route(DOWNLOAD_PATH + "/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def download(name: str, request: Request, served: ServedDep) -> Response:
    """One dump file, with its entity tag; 304 when the client has it."""
    files = {f.name: f for f in dump_files()}
    file = files.get(name)
    if file is None:
        raise NotFoundError(f"no download is named {name!r}; the files are: {', '.join(files)}")
    generation, local = await run_in_threadpool(served.current)
    etag = f'"{generation.name}-{file.name}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    tags = {t.strip().removeprefix("W/") for t in (request.headers.get("if-none-match") or "").split(",")}
    if etag in tags or "*" in tags:
        return Response(status_code=304, headers=headers)
    path = await run_in_threadpool(dump_cache(served.store_dir).ensure, local, generation, file)
    return FileResponse(path, media_type=file.media_type, filename=file.name, headers=headers)
