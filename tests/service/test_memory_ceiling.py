"""A query that would exhaust memory is stopped at the process's ceiling: its client gets a 503 naming
the ceiling, the other requests are answered, and the process is replaced (real servers); the guard
on the real query runner, and the setting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from dragonbear.errors import MemoryCeilingError, ServiceUnavailableError, UsageError
from dragonbear.pipeline.build import BuildReport
from dragonbear.service.app import create_app
from dragonbear.service.runtime.memory import HARD_FACTOR, MemoryGuard, anonymous_bytes
from dragonbear.service.runtime.runner import QueryRunner
from dragonbear.service.runtime.served import ServedStore
from dragonbear.settings import Settings, default_memory_ceiling, machine_memory, parse_size

from ..conftest import Server, copy_store, serve_store

# An ORDER BY over a three-way join on shared objects: its intermediate results grow by about
# 280 MB a second on the shipped graph, and would fill the machine's memory long before the time limit.
HUNGRY = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?x . ?c ?r ?x } ORDER BY ?a ?b ?c LIMIT 5"
CEILING_MIB = 500


def _anonymous_mib(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0.0
    return (int(fields[1]) - int(fields[2])) * 4096 / (1 << 20)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _asks(server: Server, until: threading.Event, outcomes: list[str]) -> None:
    """Small never-seen ASKs, one after another, until told to stop: each outcome recorded."""
    n = 0
    while not until.is_set():
        n += 1
        try:
            answer = httpx.get(server.url("/sparql"), params={"query": f'ASK {{ ?s ?p "m{n}" }}'}, timeout=60)
            outcomes.append(str(answer.status_code))
        except httpx.TransportError as exc:
            outcomes.append(type(exc).__name__)
        time.sleep(0.01)


def _watch_memory(server: Server, until: threading.Event, peak: list[float]) -> None:
    while not until.is_set():
        peak.append(max((_anonymous_mib(pid) for pid in _children(server.process.pid)), default=0.0))
        time.sleep(0.005)


@pytest.fixture(scope="module")
def capped(served_copy: Path) -> Iterator[Server]:
    env = {"DRAGONBEAR_MEMORY_CEILING": f"{CEILING_MIB}MiB"}
    with serve_store(served_copy, "--workers", "1", env_vars=env) as server:
        yield server


def _in_background(*targets: Callable[[], None]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_a_query_past_the_ceiling_gets_503_and_the_others_are_answered(capped: Server) -> None:
    before = _children(capped.process.pid)
    stop, outcomes, peak = threading.Event(), [], []  # type: ignore[var-annotated]
    threads = _in_background(lambda: _asks(capped, stop, outcomes), lambda: _watch_memory(capped, stop, peak))
    time.sleep(0.3)
    hungry = httpx.post(capped.url("/sparql"), data={"query": HUNGRY}, timeout=120)
    deadline = time.monotonic() + 60  # until the process that ran it has left and another serves
    while time.monotonic() < deadline and (before & _children(capped.process.pid)):
        time.sleep(0.05)
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    assert hungry.status_code == 503, hungry.text
    assert f"memory ceiling of {CEILING_MIB} MiB" in hungry.text and "DRAGONBEAR_MEMORY_CEILING" in hungry.text
    assert hungry.headers.get("Retry-After")
    assert not before & _children(capped.process.pid), "the process that ran the query did not leave"
    lost = [outcome for outcome in outcomes if outcome != "200"]
    events = [line for line in capped.log.read_text(errors="replace").splitlines() if "ceiling" in line]
    print("\n" + "\n".join(events[-2:]))
    print(f"\n{len(outcomes)} ASKs during the stop, {len(lost)} not answered 200: {lost}; peak {max(peak):.0f} MiB")
    # At least ten ASKs across the stop (about 20 to 40, fewer on a loaded machine), none lost.
    assert len(outcomes) >= 10, "too few ASKs during the stop to tell"
    assert not [o for o in lost if o != "503"], "an ASK lost its connection or failed"
    # Past the hard ceiling the query runs on for the moment it takes to send the answers and leave.
    assert max(peak) < CEILING_MIB * HARD_FACTOR + 400, "the process grew well past the hard ceiling"
    assert httpx.get(capped.url("/sparql"), params={"query": "ASK {}"}, timeout=60).status_code == 200
    assert "past the memory ceiling of 500 MiB" in capped.log.read_text(errors="replace")


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_pages_and_the_api_share_the_ceiling(capped: Server) -> None:
    # The explorer's and the API's queries run on the same runner: an ordinary page is answered
    # after a stop, by the replacement.
    httpx.post(capped.url("/sparql"), data={"query": HUNGRY + " # again"}, timeout=120)
    assert httpx.get(capped.url("/api/queries"), timeout=60).status_code == 200


def _hog(stop: threading.Event, chunks: list[bytearray]) -> str:
    """A job that holds more and more memory (about 200 MiB a second, touched) until it is let go."""
    while not stop.is_set() and len(chunks) < 512:
        chunks.append(bytearray(b"x" * (2 << 20)))
        time.sleep(0.01)
    return "done"


@pytest.mark.exclusive  # counts what the server loses, or times it: runs alone (tests/conftest.py)
def test_the_guard_answers_the_job_that_passes_the_ceiling_and_spares_the_others() -> None:
    runner = QueryRunner(threads=3, timeout=60)
    told: list[str] = []
    guard = MemoryGuard(runner, anonymous_bytes() + (200 << 20), on_exceeded=lambda: told.append("exceeded"))
    stop, chunks = threading.Event(), []  # type: ignore[var-annotated]
    try:
        quiet = runner.submit(lambda: (time.sleep(0.5), "quiet")[1])
        hog = runner.submit(lambda: _hog(stop, chunks))
        with pytest.raises(MemoryCeilingError, match="DRAGONBEAR_MEMORY_CEILING"):
            try:
                hog.result(timeout=30)
            finally:
                stop.set()  # a query cannot be stopped; this job can, before the hard ceiling
        assert quiet.result(timeout=30) == "quiet"  # started first, held nothing: answered
        for _ in range(500):  # the guard tells the server after it answered the job
            if told:
                break
            time.sleep(0.01)
        assert told == ["exceeded"] and guard.stopped == 1
        assert runner.run(lambda: "after") == "after"  # the stopped job's thread was replaced
    finally:
        stop.set()
        chunks.clear()
        guard.close()
        runner.close()


def test_past_the_hard_ceiling_the_queries_waiting_and_those_after_get_a_503_at_once(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    # A process past the hard ceiling exits a moment after it answered its running queries: a query that
    # waits for a thread, or comes in meanwhile, would be cut by the exit, so it is answered 503 at once.
    from starlette.testclient import TestClient

    told: list[str] = []
    settings = Settings.from_env(store=copy_store(built[0], tmp_path / "store"), warm=False, memory_ceiling=1 << 30)
    served = ServedStore(settings, on_exhausted=lambda: told.append("exit"))
    release = threading.Event()
    with TestClient(create_app(settings, served)) as client:
        runner, guard = served.runner, served.memory_guard
        assert runner is not None and guard is not None and guard.on_exhausted is not None
        try:
            busy = [runner.submit(lambda: release.wait(30)) for _ in range(runner.threads)]
            for _ in range(500):  # until every thread has taken its job
                if len(runner.running()) == runner.threads:
                    break
                time.sleep(0.01)
            waiting = runner.submit(lambda: "never run")
            guard.on_exhausted()  # what the guard calls past the hard ceiling, once the running queries are answered
            with pytest.raises(ServiceUnavailableError, match="short of memory"):
                waiting.result(timeout=5)
            reply = client.get("/sparql", params={"query": 'ASK { ?s ?p "after" }'})
            assert reply.status_code == 503 and "short of memory" in reply.text, reply.text
            assert reply.headers.get("Retry-After")
            assert told == ["exit"]
        finally:
            release.set()
        assert all(future.result(timeout=5) for future in busy)  # the running ones end as they would


def test_the_setting_takes_sizes_and_shares_the_machine_between_processes(tmp_path: Path) -> None:
    assert parse_size("512MiB") == 512 << 20 and parse_size("2g") == 2 << 30 and parse_size("1024") == 1024
    assert parse_size("50%") == machine_memory() // 2
    assert default_memory_ceiling(2) == pytest.approx(default_memory_ceiling(1) / 2, rel=0.01)
    assert Settings.from_env(store=tmp_path).memory_ceiling == default_memory_ceiling(1)
    assert Settings.from_env(store=tmp_path, workers=4, memory_ceiling=0).memory_ceiling == 0


@pytest.mark.parametrize("value", ["lots", "-1GiB", "120%", "1MiB"])
def test_a_bad_ceiling_is_a_usage_error(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAGONBEAR_MEMORY_CEILING", value)
    with pytest.raises(UsageError, match="DRAGONBEAR_MEMORY_CEILING"):
        Settings.from_env(store=tmp_path)
