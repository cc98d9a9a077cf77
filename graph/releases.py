"""Kept releases: a copy of each data release as its build made it, so that a release stays queryable
at its own URLs (``/v/RELEASE/sparql``, ``/v/RELEASE/id/...``) after newer builds, loads and writes.

::

    STORE_DIR/
      current -> gen-20261207T101500-4f2a
      releases/
        2026.12.0 -> 2026.12.0@gen-20261207T101500-4f2a    (swapped atomically, like ``current``)
        2026.12.0@gen-20261207T101500-4f2a/                 (a checkpoint of that generation)
        2026.11.2 -> 2026.11.2@gen-20261120T080000-9b1c
        2026.11.2@gen-20261120T080000-9b1c/

``dragonbear build`` keeps the generation it made as the release the store records (``dcat:version``
of the dataset): a RocksDB checkpoint, whose files are hard links to the generation's own, so keeping
a release costs no copy and little disk until the generation itself is removed. A later build of the
same release replaces its copy (the release is what its latest build made; a build of other data
should carry another release, see ``core/data/release.toml``); loads and HTTP writes change the
current generation, never a kept release. The newest :data:`KEEP_RELEASES` releases are kept (by
version), and the one just built always is.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from dragonbear.errors import StoreError
from dragonbear.fault_points import fault_point
from dragonbear.graph.generations import RELEASES_DIR, UNFINISHED
from dragonbear.graph.store import EmbeddedStore
from dragonbear.settings import KEEP_RELEASES

__all__ = [
    "KEEP_RELEASES",
    "RELEASES_DIR",
    "KeptRelease",
    "keep_release",
    "kept_releases",
    "release_directory",
    "release_key",
    "valid_release_name",
]

_NAME = re.compile(r"[0-9][0-9A-Za-z.+_-]{0,39}")
_VERSION = "http://www.w3.org/ns/dcat#version"
_DATASET = "https://w3id.org/dragonbear/id/dataset"


@dataclass(frozen=True)
class KeptRelease:
    """A kept release: its version and the checkpoint that holds it."""

    version: str
    path: Path

    @property
    def generation(self) -> str:
        """The name of the generation the release was kept from."""
        return self.path.name.split("@", 1)[1]


def valid_release_name(name: str) -> bool:
    """Whether ``name`` may name a release (and so a folder): a digit, then letters, digits and ``._+-``.

    >>> valid_release_name("2026.12.0"), valid_release_name("../x"), valid_release_name("2026.12.0@gen")
    (True, False, False)
    """
    return _NAME.fullmatch(name) is not None and ".." not in name


def release_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders versions as numbers where they are numbers (``2026.12.10`` after ``2026.12.9``).

    >>> sorted(["2026.12.10", "2026.9.0", "2026.12.9"], key=release_key)
    ['2026.9.0', '2026.12.9', '2026.12.10']
    """
    parts = re.split(r"[.+_-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def release_directory(store_dir: Path, version: str) -> Path | None:
    """The checkpoint of release ``version``, or None when the store does not keep it."""
    if not valid_release_name(version):
        return None
    link = store_dir / RELEASES_DIR / version
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def kept_releases(store_dir: Path) -> list[KeptRelease]:
    """The releases the store keeps, newest version first."""
    folder = store_dir / RELEASES_DIR
    if not folder.is_dir():
        return []
    found = []
    for link in folder.iterdir():
        if link.is_symlink() and valid_release_name(link.name):
            target = release_directory(store_dir, link.name)
            if target is not None:
                found.append(KeptRelease(link.name, target))
    return sorted(found, key=lambda r: release_key(r.version), reverse=True)


def _recorded_release(generation: Path) -> str | None:
    store = EmbeddedStore.open(generation, read_only=True)
    rows = store.select(f"SELECT ?v WHERE {{ <{_DATASET}> <{_VERSION}> ?v }}")
    versions = sorted(row["v"].value for row in rows)
    del store
    return versions[0] if versions else None


def keep_release(store_dir: Path, generation: Path, *, keep: int = KEEP_RELEASES) -> str | None:
    """Keep ``generation`` as the release it records, then drop releases past the newest ``keep``.

    The caller holds the store's write lock. A kept copy is written under a name of its own and then
    pointed at (one rename), so a reader never sees half of one; the copy it replaces is removed, as
    are copies no link points at (those of a keep that was killed), except the one replaced now. A
    copy is marked unfinished until a link points at it, so that what a killed keep left is removed
    by the next write or server start (:func:`~dragonbear.graph.generations.sweep_leftovers`).

    Returns:
        The release kept, or None: ``keep`` is 0, or the generation records no release, or its name
        is not one a folder may have.

    Raises:
        StoreError: the checkpoint cannot be written.
    """
    if keep <= 0:
        return None
    version = _recorded_release(generation)
    if version is None or not valid_release_name(version):
        return None
    folder = store_dir / RELEASES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{version}@{generation.name}"
    mark = folder / (UNFINISHED + target.name)  # until a link points at it (see sweep_leftovers)
    if not target.is_dir():
        partial = folder / f".{version}@{generation.name}.{uuid.uuid4().hex[:6]}"
        try:
            mark.touch()
            EmbeddedStore.open(generation, read_only=True).backup(partial)
            fault_point("release.checkpoint-written")
            os.replace(partial, target)
            fault_point("release.copy-renamed")
        except (OSError, StoreError) as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise StoreError(f"cannot keep release {version} in {folder}: {exc}") from exc
    replaced = release_directory(store_dir, version)
    tmp_link = folder / f".{version}-{uuid.uuid4().hex[:6]}"
    os.symlink(target.name, tmp_link)
    os.replace(tmp_link, folder / version)
    fault_point("release.linked")
    mark.unlink(missing_ok=True)
    _prune(store_dir, keep=keep, newest=version, spare=replaced)
    return version


def _prune(store_dir: Path, *, keep: int, newest: str, spare: Path | None) -> None:
    """Drop the links of releases past the newest ``keep`` (never ``newest``), then every copy no link
    points at, and any partial copy left behind; ``spare``, the copy just replaced, stays until the
    next keep (a server may be answering from it, as from the generation before ``current``)."""
    folder = store_dir / RELEASES_DIR
    releases = kept_releases(store_dir)
    ranked = [r for r in releases if r.version == newest] + [r for r in releases if r.version != newest]
    for old in ranked[keep:]:
        (folder / old.version).unlink(missing_ok=True)
    pointed = {r.path.name for r in kept_releases(store_dir)}
    for entry in folder.iterdir():  # links first: a link not renamed into place, or pointing at nothing
        if entry.is_symlink() and (entry.name.startswith(".") or not entry.exists()):
            entry.unlink(missing_ok=True)
    for entry in folder.iterdir():
        if entry.is_symlink() or not entry.is_dir() or entry.name in pointed:
            continue
        if spare is None or entry.name != spare.name:
            shutil.rmtree(entry, ignore_errors=True)
