"""The bearer token that guards writes (``DRAGONBEAR_UPDATE_TOKEN``), and the backoff of wrong tokens.

The token is compared in constant time (:func:`secrets.compare_digest`) and never written anywhere: not
to a log, not into an error message (the server's access log holds request lines, never headers).

A client address whose tokens were wrong is slowed down (:class:`TokenGuard`, one per server process):
after ``n`` wrong tokens in a row, each of its write requests waits ``min(0.5 s x 2^(n-1), 30 s)``
before its token is even looked at, right or wrong (answering a right token at once would let a client
tell a right guess by the speed of the answer), and while one of its requests waits, another is refused
at once with 429 and ``Retry-After``; so an address tries at most one token per wait, however many
connections it opens. Every wrong token is logged as a warning that names the client address and how
many came in a row, never the token. A right token clears the address; an address quiet for 15 minutes
is forgotten; the table keeps at most 10,000 addresses, the least recently failed dropped first.

The address is the connection's peer: behind a reverse proxy it is the proxy's (unless the HTTP server
is told to trust its forwarded headers), so every client behind it shares one backoff.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request

from dragonbear.errors import ForbiddenError, TooManyRequestsError, UnauthorizedError

__all__ = ["TokenGuard", "require_token"]

log = logging.getLogger("dragonbear.service")


@dataclass
class _Failures:
    """The wrong tokens in a row from one address: how many, when the last came, whether one waits."""

    count: int = 0
    last: float = 0.0
    waiting: bool = False


class TokenGuard:
    """Checks bearer tokens, slowing down the client addresses that send wrong ones (see the module).

    Args:
        base_delay: the wait after one wrong token, in seconds; it doubles with each more (0: no wait,
            for a test that sends many wrong tokens from one client on purpose, such as fuzzing).
        max_delay: the longest wait.
        forget_after: seconds without a wrong token after which an address starts afresh.
        max_addresses: the most addresses the table keeps.

    Attributes:
        delays: the waits applied, newest last (the last 100): ``(address, seconds)``.

    >>> guard = TokenGuard()
    >>> [guard.delay_after(n) for n in (0, 1, 2, 3, 10)]
    [0.0, 0.5, 1.0, 2.0, 30.0]
    """

    def __init__(
        self,
        *,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        forget_after: float = 900.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.base_delay, self.max_delay = base_delay, max_delay
        self.forget_after, self.max_addresses = forget_after, max_addresses
        self._clock, self._sleep = clock, sleep
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self.delays: deque[tuple[str, float]] = deque(maxlen=100)

    def delay_after(self, failures: int) -> float:
        """The wait before the next token of an address with ``failures`` wrong tokens in a row."""
        if failures <= 0:
            return 0.0
        return min(self.max_delay, self.base_delay * 2.0 ** min(failures - 1, 62))

    def failures(self, address: str) -> int:
        """The wrong tokens in a row from ``address`` that the table remembers."""
        entry = self._entry(address)
        return entry.count if entry else 0

    def __len__(self) -> int:
        return len(self._failures)

    def _entry(self, address: str) -> _Failures | None:
        entry = self._failures.get(address)
        if entry is not None and not entry.waiting and self._clock() - entry.last > self.forget_after:
            del self._failures[address]
            return None
        return entry

    def _fail(self, address: str) -> int:
        entry = self._entry(address) or _Failures()
        entry.count, entry.last = entry.count + 1, self._clock()
        self._failures[address] = entry
        self._failures.move_to_end(address)
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)
        return entry.count

    async def check(self, request: Request, token: str) -> None:
        """Check ``Authorization: Bearer <token>`` of ``request``, after the wait its address owes.

        Raises:
            UnauthorizedError: no bearer token (HTTP 401).
            TooManyRequestsError: another request of the address is waiting (HTTP 429).
            ForbiddenError: the wrong token (HTTP 403).
        """
        header = request.headers.get("authorization", "")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise UnauthorizedError("writes need the update token: send Authorization: Bearer <token>")
        address = request.client.host if request.client else "unknown"
        await self._wait(address)
        if secrets.compare_digest(value.strip().encode("utf-8"), token.encode("utf-8")):
            self._failures.pop(address, None)
            return
        count = self._fail(address)
        log.warning(
            "wrong update token from %s (%d in a row); its next write waits %.1f s",
            address,
            count,
            self.delay_after(count),
        )
        raise ForbiddenError("the update token is wrong")

    async def _wait(self, address: str) -> None:
        """Wait out what ``address`` owes for its wrong tokens; refuse a second request meanwhile."""
        entry = self._entry(address)
        if entry is None or entry.count == 0:
            return
        delay = self.delay_after(entry.count)
        if delay <= 0:
            return
        if entry.waiting:
            log.warning("update token from %s refused: another of its requests is waiting %.1f s", address, delay)
            raise TooManyRequestsError(
                f"too many wrong update tokens from this address: wait {math.ceil(delay)} s and try again",
                retry_after=math.ceil(delay),
            )
        entry.waiting = True
        self.delays.append((address, delay))
        try:
            await self._sleep(delay)
        finally:
            entry.waiting = False


async def require_token(request: Request, token: str) -> None:
    """Check the bearer token of a write with the app's :class:`TokenGuard` (``app.state.token_guard``).

    Raises:
        UnauthorizedError: no bearer token (HTTP 401).
        TooManyRequestsError: the client address is waiting out its wrong tokens (HTTP 429).
        ForbiddenError: the wrong token (HTTP 403).
    """
    guard: TokenGuard = request.app.state.token_guard
    await guard.check(request, token)
