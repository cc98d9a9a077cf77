"""Configuration in one object, from flags and ``DRAGONBEAR_*`` environment variables.

The store is, in order: the ``--store`` flag, ``DRAGONBEAR_STORE``, or the directory
``$XDG_DATA_HOME/dragonbear/store`` (``~/.local/share/dragonbear/store`` when XDG_DATA_HOME is unset).
Flag and variable take a directory or the URL of a SPARQL server (:mod:`dragonbear.addresses`:
``oxigraph+http://HOST:PORT``, ``virtuoso+http://HOST:PORT``, ``sparql+https://HOST/PATH``); with a
server, ``store_dir`` is a local folder for what the server process keeps beside it (the download
cache), ``$XDG_CACHE_HOME/dragonbear/remote/<hash of the address>``.

The server settings follow the same rule (flag, then variable, then default):

==================  ===========================  =======================================
setting             variable                     default
==================  ===========================  =======================================
host                ``DRAGONBEAR_HOST``          ``127.0.0.1``
port                ``DRAGONBEAR_PORT``          ``8000``
workers             ``DRAGONBEAR_WORKERS``       1 server process (each runs up to max(4, CPUs) queries at once)
query_timeout       ``DRAGONBEAR_QUERY_TIMEOUT`` 30 seconds
max_results         ``DRAGONBEAR_MAX_RESULTS``   100,000 rows or triples (0: no cap)
update_token        ``DRAGONBEAR_UPDATE_TOKEN``  unset: no ``/update`` and no ``/store`` writes
warm                ``DRAGONBEAR_WARM``          auto: build the name index and lineage view at start
                                                 when the store holds at most 1,000,000 quads
keep_releases       ``DRAGONBEAR_KEEP_RELEASES`` 5: the newest releases a build keeps queryable at
                                                 ``/v/RELEASE/`` (0: none; graph/releases.py)
max_query_depth     ``DRAGONBEAR_MAX_QUERY_DEPTH`` 128 levels of brackets in a query or update
max_query_chain     ``DRAGONBEAR_MAX_QUERY_CHAIN`` 2,000 groups, operators and pattern keywords
                                                 (both checked before parsing: graph/sparql_limits.py)
max_url_bytes       ``DRAGONBEAR_MAX_URL_BYTES`` 64 KiB: a longer URL is a 414
max_query_bytes     ``DRAGONBEAR_MAX_QUERY_BYTES`` 4 MiB of a POST body (a query, a form), else 413
max_update_bytes    ``DRAGONBEAR_MAX_UPDATE_BYTES`` 64 MiB of an update (``/update``), else 413
max_upload_bytes    ``DRAGONBEAR_MAX_UPLOAD_BYTES`` 256 MiB of a Graph Store upload (``/store``), else 413
memory_ceiling      ``DRAGONBEAR_MEMORY_CEILING`` 60% of the machine's memory (or of the cgroup's limit)
                                                 divided among the server processes: a query that takes
                                                 its process past it gets a 503 (0: no ceiling; bytes,
                                                 ``512MiB``, ``4GiB`` or ``20%``; service/runtime/memory.py)
==================  ===========================  =======================================

``DRAGONBEAR_FEDERATION_ALLOWLIST`` lists the endpoints ``SERVICE`` may call (IRIs separated by
spaces or commas), for the server and for ``dragonbear sparql``. Unset, it is Wikidata's and DBpedia's
public endpoints (``https://query.wikidata.org/sparql``, ``https://dbpedia.org/sparql``); set, it
replaces them, and an empty value allows none (see :mod:`dragonbear.graph.federation`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dragonbear.addresses import StoreAddress, parse_store_address
from dragonbear.endpoints import DEFAULT_ALLOWLIST, normalize_endpoint, parse_allowlist
from dragonbear.errors import UsageError

__all__ = [
    "KEEP_RELEASES",
    "MAX_QUERY_CHAIN",
    "MAX_QUERY_DEPTH",
    "Settings",
    "default_memory_ceiling",
    "default_store_dir",
    "default_workers",
    "machine_memory",
    "parse_size",
]

T = TypeVar("T")

KEEP_RELEASES = 5
"""How many data releases a store keeps queryable at ``/v/RELEASE/`` by default."""
MAX_QUERY_DEPTH = 128
MAX_QUERY_CHAIN = 2000
_BYTE_LIMITS = {  # setting: (variable, default)
    "max_url_bytes": ("DRAGONBEAR_MAX_URL_BYTES", 64 << 10),
    "max_query_bytes": ("DRAGONBEAR_MAX_QUERY_BYTES", 4 << 20),
    "max_update_bytes": ("DRAGONBEAR_MAX_UPDATE_BYTES", 64 << 20),
    "max_upload_bytes": ("DRAGONBEAR_MAX_UPLOAD_BYTES", 256 << 20),
}


def default_store_dir() -> Path:
    """The store directory when neither ``--store`` nor ``DRAGONBEAR_STORE`` is given."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dragonbear" / "store"


def _store_location(store: Path | str | None) -> tuple[Path, StoreAddress | None]:
    """The store directory, and the server when the store is a URL (then the directory is a cache)."""
    given = store if store is not None and str(store) != "" else (os.environ.get("DRAGONBEAR_STORE") or None)
    where = parse_store_address(given) if given is not None else default_store_dir()
    if isinstance(where, Path):
        return where, None
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(where.address.encode()).hexdigest()[:16]
    return Path(cache_home) / "dragonbear" / "remote" / digest, where


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value == "auto":
        return None
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def default_workers() -> int:
    """Server processes when none are configured: one. Its query threads already run queries in
    parallel (pyoxigraph releases the GIL); more processes add HTTP throughput for queries not seen
    before, at about 120 MiB each, and halve lineage path throughput on two cores by running twice
    as many queries at once (``bench/http.py --also-workers 2``, decision 17)."""
    return 1


MEMORY_SHARE = 0.6
"""The share of the machine's memory the server processes' ceilings add up to by default."""
MIN_MEMORY_CEILING = 64 << 20
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def machine_memory() -> int:
    """The memory this process may use, in bytes: the machine's, or its cgroup's limit when lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit_file).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def parse_size(text: str) -> int:
    """A number of bytes from ``4096``, ``512MiB``, ``4GiB``, ``1.5G`` or ``20%`` (of :func:`machine_memory`);
    units count in 1,024s.

    >>> parse_size("512MiB"), parse_size("1.5g"), parse_size("0")
    (536870912, 1610612736, 0)

    Raises:
        ValueError: the text is no size.
    """
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.endswith("%"):
        share = float(cleaned[:-1])
        if not 0 <= share <= 100:
            raise ValueError(text)
        return int(machine_memory() * share / 100)
    number = cleaned.removesuffix("ib").removesuffix("b")
    unit = number[-1] if number and number[-1] in _UNITS else ""
    value = float(number[: len(number) - len(unit)])
    if value < 0:
        raise ValueError(text)
    return int(value * _UNITS[unit])


def default_memory_ceiling(workers: int) -> int:
    """Each server process's share of :data:`MEMORY_SHARE` of the machine's memory."""
    return max(MIN_MEMORY_CEILING, int(machine_memory() * MEMORY_SHARE / max(1, workers)))


def _pick(flag: T | None, variable: str, convert: Callable[[str], T], default: T) -> T:
    if flag is not None:
        return flag
    raw = os.environ.get(variable)
    if raw is None or raw.strip() == "":
        return default
    try:
        return convert(raw.strip())
    except ValueError:
        raise UsageError(f"{variable}={raw!r} is not valid") from None


def _allowlist_from_env() -> tuple[str, ...]:
    raw = os.environ.get("DRAGONBEAR_FEDERATION_ALLOWLIST")
    try:
        return parse_allowlist(raw)
    except UsageError as exc:
        raise UsageError(f"DRAGONBEAR_FEDERATION_ALLOWLIST: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Settings shared by the command line and the server."""

    store_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    query_timeout: float = 30.0
    max_results: int = 100_000
    update_token: str | None = field(default=None, repr=False)  # a secret: never in a repr, so never in a log
    federation_allowlist: tuple[str, ...] = DEFAULT_ALLOWLIST
    warm: bool | None = None  # None: auto (warm stores of at most WARM_AUTO_QUADS quads)
    store_address: StoreAddress | None = None  # a SPARQL server holds the graph (store_dir: a cache)
    keep_releases: int = KEEP_RELEASES
    max_query_depth: int = MAX_QUERY_DEPTH
    max_query_chain: int = MAX_QUERY_CHAIN
    max_url_bytes: int = 64 << 10
    max_query_bytes: int = 4 << 20
    max_update_bytes: int = 64 << 20
    max_upload_bytes: int = 256 << 20
    memory_ceiling: int = 0  # bytes a server process may hold before its query is stopped (0: none)

    @property
    def store_label(self) -> str:
        """The store as a user named it: the server's address, or the directory."""
        return str(self.store_address) if self.store_address is not None else str(self.store_dir)

    @classmethod
    def from_env(
        cls,
        *,
        store: Path | str | None = None,
        host: str | None = None,
        port: int | None = None,
        workers: int | None = None,
        query_timeout: float | None = None,
        max_results: int | None = None,
        update_token: str | None = None,
        federation_allowlist: tuple[str, ...] | None = None,
        warm: bool | None = None,
        keep_releases: int | None = None,
        max_query_depth: int | None = None,
        max_query_chain: int | None = None,
        memory_ceiling: int | None = None,
    ) -> Settings:
        """Settings from flags (given as arguments) and the environment.

        Raises:
            UsageError: a value out of range, an environment variable that does not parse, or a store
                URL of no known kind.

        >>> Settings.from_env(store=Path("/tmp/s"), port=8080, query_timeout=5).query_timeout
        5
        >>> Settings.from_env(store=Path("/tmp/s"), federation_allowlist=("HTTP://Localhost:80/q",)).federation_allowlist
        ('http://localhost/q',)
        >>> Settings.from_env(store=Path("/tmp/s"), warm=False).warm
        False
        >>> Settings.from_env(store="oxigraph+http://127.0.0.1:7878").store_address.query_url
        'http://127.0.0.1:7878/query'
        """
        store_dir, address = _store_location(store)
        processes = _pick(workers, "DRAGONBEAR_WORKERS", int, default_workers())
        settings = cls(
            store_dir=store_dir,
            store_address=address,
            host=_pick(host, "DRAGONBEAR_HOST", str, "127.0.0.1"),
            port=_pick(port, "DRAGONBEAR_PORT", int, 8000),
            workers=processes,
            query_timeout=_pick(query_timeout, "DRAGONBEAR_QUERY_TIMEOUT", float, 30.0),
            max_results=_pick(max_results, "DRAGONBEAR_MAX_RESULTS", int, 100_000),
            update_token=_pick(update_token, "DRAGONBEAR_UPDATE_TOKEN", str, None) or None,
            federation_allowlist=(
                tuple(normalize_endpoint(e) for e in federation_allowlist)
                if federation_allowlist is not None
                else _allowlist_from_env()
            ),
            warm=_pick(warm, "DRAGONBEAR_WARM", _flag, None),
            keep_releases=_pick(keep_releases, "DRAGONBEAR_KEEP_RELEASES", int, KEEP_RELEASES),
            max_query_depth=_pick(max_query_depth, "DRAGONBEAR_MAX_QUERY_DEPTH", int, MAX_QUERY_DEPTH),
            max_query_chain=_pick(max_query_chain, "DRAGONBEAR_MAX_QUERY_CHAIN", int, MAX_QUERY_CHAIN),
            **{name: _pick(None, variable, int, default) for name, (variable, default) in _BYTE_LIMITS.items()},
            memory_ceiling=_pick(
                memory_ceiling, "DRAGONBEAR_MEMORY_CEILING", parse_size, default_memory_ceiling(processes)
            ),
        )
        _check(settings)
        return settings


def _check(settings: Settings) -> None:
    """Refuse settings out of range.

    Raises:
        UsageError: a value out of range.
    """
    if not 0 < settings.port < 65536:
        raise UsageError(f"port {settings.port} is out of range")
    if settings.workers < 1:
        raise UsageError("at least one server process is needed")
    if settings.query_timeout <= 0:
        raise UsageError("the query timeout must be positive")
    if settings.max_results < 0:
        raise UsageError("the result cap must be 0 (no cap) or positive")
    if not 1 <= settings.max_query_depth <= 4_000 or not 1 <= settings.max_query_chain <= 10_000:
        raise UsageError(
            "the query depth limit must be 1 to 4,000 and the chain limit 1 to 10,000 "
            "(past them a query could overflow the parser's 256 MiB stack)"
        )
    if settings.keep_releases < 0:
        raise UsageError("the number of releases kept must be 0 (none) or positive")
    if 0 < settings.memory_ceiling < MIN_MEMORY_CEILING:
        raise UsageError("DRAGONBEAR_MEMORY_CEILING must be 0 (no ceiling) or at least 64 MiB")
    for name, (variable, _default) in _BYTE_LIMITS.items():
        if getattr(settings, name) < 1024:
            raise UsageError(f"{variable} must be at least 1024 bytes")
