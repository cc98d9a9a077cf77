"""Short links' records: one JSON file per link, ``STORE_DIR/links/ID.json``, written atomically.

A record holds what a link was made of: the view's local path (with its query string), the data
release and the store generation it was rendered from, the time, a digest of the view's data part and
the rendered HTML. Its id is a function of the path, the release and the digest (:func:`link_id`), so
the same view on the same release always gets the same link, and making it again changes nothing.

The folder is the served store's local directory; when the graph is on a SPARQL server, that is the
local cache directory the server mode keeps (:class:`~dragonbear.settings.Settings`'s ``store_dir``),
so links work in both modes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from dragonbear.errors import NotFoundError, ServiceUnavailableError

__all__ = ["LINKS_BUDGET", "LINKS_DIR", "LinkRecord", "link_id", "read_link", "save_link"]

LINKS_BUDGET = 256 << 20
"""The most bytes the links folder may hold: anyone may make a link, so the disk they can fill is
bounded (about a thousand links of the largest views, tens of thousands of ordinary ones)."""

LINKS_DIR = "links"
ID_LENGTH = 10
_ID = re.compile(rf"[a-z2-7]{{{ID_LENGTH}}}")


def link_id(path: str, release: str, digest: str) -> str:
    """The id of a link: 10 characters of base32 of a BLAKE2b digest of the path, release and data digest.

    >>> link_id("/timeline", "2026.12.0", "ab") == link_id("/timeline", "2026.12.0", "ab")
    True
    >>> len(link_id("/timeline", "2026.12.0", "ab")), link_id("/timeline", "2026.12.0", "ab").isalnum()
    (10, True)
    """
    raw = hashlib.blake2b(f"{path}\n{release}\n{digest}".encode(), digest_size=10).digest()
    return base64.b32encode(raw).decode("ascii").lower()[:ID_LENGTH]


@dataclass(frozen=True)
class LinkRecord:
    """What a short link was made of (see the module's text); ``made`` is an ISO 8601 time in UTC."""

    id: str
    path: str
    release: str
    generation: str
    made: str
    digest: str
    html: str

    def public(self) -> dict[str, str]:
        """The record without its HTML (``GET /q/ID.json``)."""
        return {k: v for k, v in asdict(self).items() if k != "html"}


def _file(store_dir: Path, ident: str) -> Path:
    return store_dir / LINKS_DIR / f"{ident}.json"


def read_link(store_dir: Path, ident: str) -> LinkRecord:
    """The record of link ``ident``.

    Raises:
        NotFoundError: no link has that id.
    """
    if not _ID.fullmatch(ident):
        raise NotFoundError(f"no short link {ident!r}: an id is {ID_LENGTH} letters and digits")
    try:
        doc = json.loads(_file(store_dir, ident).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(f"no short link {ident!r}") from None
    return LinkRecord(**{k: str(doc[k]) for k in LinkRecord.__dataclass_fields__})


def save_link(store_dir: Path, record: LinkRecord) -> LinkRecord:
    """Write ``record`` (temporary file, then a rename), unless a link of its id exists: then that one
    is kept, with the time it was first made, and returned.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> first = save_link(folder, LinkRecord("aaaaaaaaaa", "/charts", "1", "gen-1", "2026-01-01T00:00:00Z", "d", "<p>"))
    >>> save_link(folder, LinkRecord("aaaaaaaaaa", "/charts", "1", "gen-2", "2027-01-01T00:00:00Z", "d", "<p>")).made
    '2026-01-01T00:00:00Z'
    """
    target = _file(store_dir, record.id)
    if target.exists():
        try:
            return read_link(store_dir, record.id)
        except (ValueError, KeyError):  # a damaged file is replaced
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    _check_budget(target.parent, len(record.html.encode("utf-8")))
    fd, temp = tempfile.mkstemp(prefix=f".{record.id}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(record), out, ensure_ascii=False)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return record


def _check_budget(folder: Path, adding: int, budget: int | None = None) -> None:
    """Refuse a new link once the folder would pass :data:`LINKS_BUDGET`.

    Raises:
        ServiceUnavailableError: the links already take the budget (503: the server keeps no more).

    >>> import tempfile
    >>> _check_budget(Path(tempfile.mkdtemp()), 10, budget=5)
    Traceback (most recent call last):
    dragonbear.errors.ServiceUnavailableError: the server keeps no more short links: they take 0 MB of its 0 MB; an existing link still opens
    """
    budget = LINKS_BUDGET if budget is None else budget
    used = sum(entry.stat().st_size for entry in os.scandir(folder) if entry.is_file())
    if used + adding > budget:
        raise ServiceUnavailableError(
            f"the server keeps no more short links: they take {used >> 20} MB of its {budget >> 20} MB; "
            "an existing link still opens"
        )
