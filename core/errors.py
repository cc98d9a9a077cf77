"""The project's one error hierarchy.

::

    DragonbearError                 base; exit code 2 unless a subclass says otherwise
    ├── UsageError                  bad command-line or API arguments            (exit 2, HTTP 400)
    ├── LoadError                   a file that cannot be read or parsed; carries path, line, column (exit 2)
    ├── ValidationError             data that violates the SHACL shapes; carries the report (exit 1)
    ├── StoreError                  the store cannot be opened, built or swapped (exit 2)
    │   └── StorageFullError        the store's disk is full; nothing was changed (exit 2, HTTP 507)
    ├── QueryError                  a SPARQL query that does not parse or fails  (exit 2, HTTP 400)
    │   ├── UnknownQueryError       no canned query of that name                 (exit 2, HTTP 404)
    │   ├── ParameterError          a missing, mistyped or ambiguous parameter   (exit 2, HTTP 400)
    │   ├── QueryTimeoutError       a query stopped at the server's time limit   (HTTP 503)
    │   ├── MemoryCeilingError      a query stopped at the server's memory ceiling (HTTP 503)
    │   └── ResultLimitError        a result larger than the server's cap        (HTTP 422)
    ├── ProtocolError               a malformed SPARQL protocol request          (HTTP 400)
    │   ├── MethodNotAllowedError   a method the resource does not take          (HTTP 405)
    │   ├── NotAcceptableError      no acceptable representation                 (HTTP 406)
    │   ├── UnsupportedMediaTypeError  a request body of an unsupported type     (HTTP 415)
    │   ├── UnauthorizedError       a write without credentials                  (HTTP 401)
    │   ├── ForbiddenError          a write with the wrong credentials           (HTTP 403)
    │   └── TooManyRequestsError    a write while its address waits out wrong tokens (HTTP 429)
    ├── ServiceUnavailableError     every query thread busy, or the writer died   (HTTP 503)
    └── NotFoundError               a name or entity that resolves to nothing     (exit 1, HTTP 404)

HTTP statuses are mapped in one table, :data:`dragonbear.service.runtime.errors.HTTP_STATUSES`.

Library errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

__all__ = [
    "EXIT_CODES",
    "DragonbearError",
    "ForbiddenError",
    "LoadError",
    "MemoryCeilingError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "ParameterError",
    "PayloadTooLargeError",
    "ProtocolError",
    "QueryComplexityError",
    "QueryError",
    "QueryTimeoutError",
    "ResultLimitError",
    "ServiceUnavailableError",
    "StorageFullError",
    "StoreError",
    "TooManyRequestsError",
    "UnauthorizedError",
    "UnknownQueryError",
    "UnsupportedMediaTypeError",
    "UriTooLongError",
    "UsageError",
    "ValidationError",
    "disk_is_full",
    "exit_code_for",
]


class DragonbearError(Exception):
    """Base of every error the project raises on purpose.

    Errors stay objects wherever they travel: a write applied in a process of its own sends its error
    back pickled, with every attribute (file, line, column, violations, candidates).

    >>> import pickle
    >>> error = pickle.loads(pickle.dumps(LoadError("bad IRI", path="a.ttl", line=3, column=7)))
    >>> type(error).__name__, error.path, error.line, error.column, str(error)
    ('LoadError', 'a.ttl', 3, 7, 'a.ttl:3:7: bad IRI')
    """

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuild with the class and message, then restore every attribute (keyword-only
        # constructor arguments would otherwise be lost, or fail, when unpickled).
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


def _rebuild(cls: type[DragonbearError], message: str, state: dict[str, object]) -> DragonbearError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class UsageError(DragonbearError):
    """Bad arguments to a command or function."""


class LoadError(DragonbearError):
    """A file that cannot be read or parsed.

    Args:
        message: what is wrong, in words.
        path: the file.
        line: 1-based line of the error, if known.
        column: 1-based column of the error, if known.
    """

    def __init__(
        self, message: str, *, path: str | Path | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.reason = message
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class ValidationError(DragonbearError):
    """Data that violates the SHACL shapes.

    Args:
        message: a summary.
        violations: the individual violations (focus node, path, message), as dicts.
    """

    def __init__(self, message: str, violations: list[dict[str, str]] | None = None) -> None:
        self.violations = violations or []
        super().__init__(message)


class StoreError(DragonbearError):
    """The store cannot be opened, built, or swapped into place."""


class StorageFullError(StoreError):
    """The disk that holds the store is full (or its quota is used up): the build or write stopped,
    what it had written was removed, and the store answers as it did before.

    >>> print(StorageFullError.at(Path("/no/such/store"), "the write"))
    the disk of the store is full (/no/such/store: ... free): the write stopped and nothing was changed; ...
    """

    @classmethod
    def at(cls, path: Path | None, what: str) -> StorageFullError:
        """The error for ``what`` (a build, a load, a write) stopped by a full disk at ``path``."""
        where = "" if path is None else f" ({path}: {_free_space(path)} free)"
        return cls(
            f"the disk of the store is full{where}: {what} stopped and nothing was changed; "
            "free some space and try again"
        )


def _free_space(path: Path) -> str:
    """The space left on the disk of ``path`` (or of its nearest folder that exists), in words."""
    for folder in (path, *path.parents):
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            continue
        for unit in ("bytes", "KiB", "MiB", "GiB"):
            if free < 1024 or unit == "GiB":
                return f"{free:,} {unit}" if unit == "bytes" else f"{free:.1f} {unit}"
            free /= 1024  # type: ignore[assignment]
    return "unknown"


def disk_is_full(error: BaseException) -> bool:
    """Whether ``error``, or the error it was raised from, says the disk is full: ``ENOSPC`` or
    ``EDQUOT``, or RocksDB's message for them (pyoxigraph's OSError carries no errno).

    >>> disk_is_full(OSError(28, "No space left on device")), disk_is_full(OSError("IO error: No space left on device"))
    (True, True)
    >>> disk_is_full(OSError(2, "No such file or directory")), disk_is_full(StoreError("x"))
    (False, False)
    """
    for exc in (error, error.__cause__):
        if isinstance(exc, OSError) and (
            exc.errno in (errno.ENOSPC, errno.EDQUOT) or any(text in str(exc) for text in _FULL_TEXTS)
        ):
            return True
    return False


_FULL_TEXTS = ("No space left on device", "Disk quota exceeded")


class QueryError(DragonbearError):
    """A query that does not parse or cannot be evaluated."""


class UnknownQueryError(QueryError):
    """No canned query has that name."""


class ParameterError(QueryError):
    """A canned-query parameter is missing, of the wrong type, unknown or ambiguous."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message)


class QueryTimeoutError(QueryError):
    """A query ran past the server's time limit and was stopped."""


class MemoryCeilingError(QueryError):
    """A query that took its server process past the memory ceiling, answered and then stopped
    (see ``service/runtime/memory.py``)."""


class QueryComplexityError(QueryError):
    """A query or update nested or chained past the limits of the process, refused before it is
    parsed (a deeper one would overflow the parser's stack, see ``graph/sparql_limits.py``)."""


class ResultLimitError(QueryError):
    """A result with more rows or triples than the server's cap (never truncated silently)."""


class ProtocolError(DragonbearError):
    """A request that breaks the SPARQL 1.1 Protocol or Graph Store Protocol."""


class MethodNotAllowedError(ProtocolError):
    """An HTTP method the resource does not take."""


class NotAcceptableError(ProtocolError):
    """None of the media types the client accepts fits the result."""


class UnsupportedMediaTypeError(ProtocolError):
    """A request body of a media type (or charset) the resource does not take."""


class PayloadTooLargeError(ProtocolError):
    """A request body larger than the server takes for that resource (HTTP 413)."""


class UriTooLongError(ProtocolError):
    """A request URL longer than the server takes (HTTP 414)."""


class UnauthorizedError(ProtocolError):
    """A write request without a bearer token."""


class ForbiddenError(ProtocolError):
    """A write request with the wrong bearer token."""


class TooManyRequestsError(ProtocolError):
    """A write request from a client address that is still waiting out its wrong tokens (HTTP 429);
    ``retry_after`` is the number of seconds to wait."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ServiceUnavailableError(DragonbearError):
    """The server cannot answer now: every query thread stayed busy, or the writer process died."""


class NotFoundError(DragonbearError):
    """A name or entity that resolves to nothing."""


# One table maps errors to command-line exit codes: 0 success, 1 validation failure or
# nothing found, 2 bad input or usage. Order matters: the first matching class wins.
EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (ValidationError, 1),
    (NotFoundError, 1),
    (DragonbearError, 2),
]


def exit_code_for(error: BaseException) -> int:
    """Return the command-line exit code for ``error``.

    >>> exit_code_for(ValidationError("bad"))
    1
    >>> exit_code_for(LoadError("bad", path="x.ttl", line=3, column=4))
    2
    """
    for cls, code in EXIT_CODES:
        if isinstance(error, cls):
            return code
    return 2
