"""The whole-graph dumps of a store generation: N-Quads, TriG, Turtle and JSON-LD, plain and gzipped.

A store directory keeps them beside its generations, one folder per generation (a generation is
read-only, so its dumps never change)::

    STORE_DIR/downloads/gen-20261122T101500-4f2a/dragonbear.nq.gz

``dragonbear build``, ``load``, ``load-sipri`` and ``load-wikidata`` write them with
:func:`write_dumps` *before* the new generation becomes current, so the server answers the first
download of each file from disk; the server makes the dumps of a generation that has none (a store
built by an older version, or written by an HTTP update) on first request
(:mod:`dragonbear.service.protocol.download`). :func:`~dragonbear.graph.generations.swap_generation`
removes the folder of a generation it removes.

Each file is written to a temporary name and renamed into place, so a reader never sees half of one.
A gzipped file is made from its plain file (level 6, no time stamp: the same dump gives the same
bytes).
"""

from __future__ import annotations

import gzip
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dragonbear.errors import DragonbearError, StorageFullError, StoreError, disk_is_full
from dragonbear.formats import FileFormat
from dragonbear.graph.export import ExportFormat, write_atomically, write_dump
from dragonbear.graph.generations import DUMPS_DIR
from dragonbear.graph.store import GraphStore

__all__ = ["DUMPS_DIR", "DumpFile", "dump_files", "dumps_folder", "write_dump_file", "write_dumps"]


@dataclass(frozen=True)
class DumpFile:
    """One downloadable file: its format and whether it is gzipped."""

    fmt: ExportFormat
    compressed: bool

    @property
    def name(self) -> str:
        """The file name, e.g. ``dragonbear.nq.gz``."""
        return f"dragonbear.{self.fmt.extension}{'.gz' if self.compressed else ''}"

    @property
    def media_type(self) -> str:
        """The Content-Type of the file."""
        return FileFormat.GZIP.media_type if self.compressed else self.fmt.media_type


def dump_files() -> list[DumpFile]:
    """Every downloadable file, in the order of the listing.

    >>> [f.name for f in dump_files()][:3]
    ['dragonbear.nq.gz', 'dragonbear.nq', 'dragonbear.trig.gz']
    """
    return [DumpFile(fmt, compressed) for fmt in ExportFormat for compressed in (True, False)]


def dumps_folder(store_dir: Path, generation: Path) -> Path:
    """The folder of the dumps of ``generation`` (a generation directory of ``store_dir``).

    >>> dumps_folder(Path("/s"), Path("/s/gen-20261122T101500-4f2a")).as_posix()
    '/s/downloads/gen-20261122T101500-4f2a'
    """
    return store_dir / DUMPS_DIR / generation.name


def write_dump_file(store: GraphStore, folder: Path, file: DumpFile) -> Path:
    """Write one dump of ``store`` into ``folder`` (a gzipped one from its plain file, made first if missing).

    Args:
        store: the generation to dump.
        folder: its dumps folder (created if missing).
        file: which file.

    Returns:
        The path of the file.

    Raises:
        StoreError: the folder cannot be written, or the dump failed.
    """
    target = folder / file.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if file.compressed:
            plain = folder / DumpFile(file.fmt, False).name
            if not plain.exists():
                write_dump_file(store, folder, DumpFile(file.fmt, False))
            with (
                write_atomically(target) as out,
                plain.open("rb") as src,
                gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as zipped,
            ):
                shutil.copyfileobj(src, zipped, 1 << 20)
        else:
            with write_atomically(target) as out:
                write_dump(store, out, file.fmt)
    except OSError as exc:
        if disk_is_full(exc):
            raise StorageFullError.at(folder, f"writing {file.name}") from exc
        raise StoreError(f"cannot write the dumps in {folder}: {exc.strerror}") from exc
    except StoreError as exc:
        if disk_is_full(exc):  # the dump's own error, raised from the OSError of the full disk
            raise StorageFullError.at(folder, f"writing {file.name}") from exc
        raise
    except DragonbearError as exc:
        raise StoreError(f"cannot make {file.name}: {exc}") from exc
    return target


def write_dumps(store: GraphStore, folder: Path) -> list[Path]:
    """Write every dump of ``store`` into ``folder`` (see :func:`dump_files`), each plain file before its
    gzip, the formats on two threads (pyoxigraph and zlib release the GIL: 4.5 s instead of 6.4 s for the
    shipped graph in memory).

    Args:
        store: the generation to dump (an in-memory copy dumps several times faster than RocksDB).
        folder: its dumps folder, :func:`dumps_folder` of the generation.

    Returns:
        The files written.

    Raises:
        StoreError: the folder cannot be written, or a dump failed.

    >>> import tempfile, pyoxigraph as ox
    >>> from dragonbear.graph.store import EmbeddedStore
    >>> s = EmbeddedStore.open(None)
    >>> s.load(b'<http://e/a> <http://e/p> "1" .', format=ox.RdfFormat.N_TRIPLES, graph="http://e/g")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(p.name for p in write_dumps(s, Path(tmp)))[:2]
    ['dragonbear.jsonld', 'dragonbear.jsonld.gz']
    """

    def both(plain: DumpFile) -> list[Path]:
        return [write_dump_file(store, folder, plain), write_dump_file(store, folder, DumpFile(plain.fmt, True))]

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1), thread_name_prefix="dumps") as pool:
        made = pool.map(both, [f for f in dump_files() if not f.compressed])
        return [path for pair in made for path in pair]
