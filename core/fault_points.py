"""Fault points: named places in the writes where a test can have the process kill itself.

The writes (a build, a load, an HTTP write) call :func:`fault_point` at the steps that matter for
what a kill leaves behind: a generation created, written, flushed; ``current`` about to be renamed,
renamed; a release's checkpoint written, renamed, linked. Nothing happens there unless
``DRAGONBEAR_FAULT_POINT`` is set, which only the fault tests do (``tests/pipeline/test_faults.py``,
``tests/service/test_server_faults.py``)::

    DRAGONBEAR_FAULT_POINT=swap.renamed       SIGKILL at the first pass through swap.renamed
    DRAGONBEAR_FAULT_POINT=swap.renamed:2     ... at the second pass (counted in this process)
    DRAGONBEAR_FAULT_POINT=@/tmp/armed        read ``NAME[:COUNT]`` from that file at each point; the
                                              process that fires removes it first (one kill in all,
                                              for a server whose replacement inherits the variable)

The variable is read once, when this module is imported; unset, a point costs one comparison. The
kill is ``SIGKILL``: no ``finally`` block, no ``atexit``, no buffered output, as in a crash.

>>> fault_point("swap.renamed")  # not armed: nothing happens
>>> sorted(FAULT_POINTS)[:2]
['build.dumps-written', 'build.store-written']
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

__all__ = ["FAULT_POINTS", "FAULT_VARIABLE", "fault_point"]

FAULT_VARIABLE = "DRAGONBEAR_FAULT_POINT"

#: Every point, with where it is. A point not listed here is refused when armed (a test would
#: otherwise wait for a kill that never comes).
FAULT_POINTS: dict[str, str] = {
    "generation.created": "a new generation's directory (or its unfinished mark) was just made",
    "build.dumps-written": "a build wrote the new generation's dumps, before the store itself",
    "build.store-written": "a build wrote and closed the new generation, before the swap",
    "incremental.checkpoint-written": "a load checkpointed the current generation as the new one",
    "incremental.applied": "a load changed, derived and validated the new generation, before the flush",
    "incremental.flushed": "a load flushed the new generation, before the swap",
    "incremental.swapped": "a load swapped the new generation in, before its dumps are started",
    "swap.link-made": "the new ``current`` link exists under a temporary name, not yet renamed",
    "swap.renamed": "``current`` points at the new generation; the unfinished mark is still there",
    "swap.sweeping": "the swap is removing old generations (counted per generation removed)",
    "release.checkpoint-written": "a release's checkpoint is written under its temporary name",
    "release.copy-renamed": "a release's checkpoint has its final name, no link points at it yet",
    "release.linked": "the release's link points at the new copy, before the old ones are pruned",
    "writer.checkpoint-written": "the writer process checkpointed the current generation",
    "writer.applied": "the writer process applied the write, before the flush",
    "writer.flushed": "the writer process flushed the new generation, before it reports",
    "writer.received": "the server process has the writer's report, before the swap",
    "writer.swapped": "the server process swapped the write's generation in",
}


def _armed(spec: str | None) -> tuple[str, int] | Path | None:
    if not spec:
        return None
    if spec.startswith("@"):
        return Path(spec[1:])
    return _parse(spec)


def _parse(text: str) -> tuple[str, int]:
    name, _, count = text.strip().partition(":")
    if name not in FAULT_POINTS:
        raise ValueError(f"{FAULT_VARIABLE}: no fault point {name!r}; the points are {', '.join(FAULT_POINTS)}")
    return name, int(count or 1)


_ARMED = _armed(os.environ.get(FAULT_VARIABLE))
_passes: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL here if ``DRAGONBEAR_FAULT_POINT`` names this point (and this is
    the pass it counts); otherwise return at once."""
    if _ARMED is None:
        return
    if isinstance(_ARMED, Path):
        _from_file(_ARMED, name)
    elif name == _ARMED[0]:
        _passes[name] = _passes.get(name, 0) + 1
        if _passes[name] >= _ARMED[1]:
            os.kill(os.getpid(), signal.SIGKILL)


def _from_file(path: Path, name: str) -> None:
    """The point armed by the file at ``path``: its passes are counted per arming (the file's text,
    inode and time), and the process that fires removes the file first, so that one arming kills one
    process (a replacement inherits the variable, and a second writer may read the same file)."""
    try:
        text = path.read_text(encoding="utf-8")
        stat = path.stat()
    except FileNotFoundError:
        return
    armed = _parse(text)
    if name != armed[0]:
        return
    key = f"{text}@{stat.st_ino}:{stat.st_mtime_ns}"
    _passes[key] = _passes.get(key, 0) + 1
    if _passes[key] < armed[1]:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        return  # another process fired first
    os.kill(os.getpid(), signal.SIGKILL)
