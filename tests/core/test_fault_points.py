"""The fault points (:mod:`dragonbear.fault_points`): every point the writes pass is listed once and named
once in the code, the fault tests kill at every one, an armed point kills its process with SIGKILL at the
pass it counts (or once in all, armed from a file), and a point that does not exist is refused."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dragonbear.fault_points import FAULT_POINTS, FAULT_VARIABLE

from ..conftest import ROOT
from ..pipeline.test_faults import COMMANDS
from ..service.test_server_faults import SERVER_POINTS, WRITER_POINTS

CALL = re.compile(r"""fault_point\("([a-z.-]+)"\)""")
PACKAGE = ("core", "graph", "pipeline", "service")


def _run(code: str, armed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env={FAULT_VARIABLE: armed}, capture_output=True, text=True, timeout=60
    )


def test_every_point_is_listed_once_and_passed_once_in_the_code() -> None:
    calls = [
        name
        for folder in PACKAGE
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "fault_points.py"
        for name in CALL.findall(path.read_text(encoding="utf-8"))
    ]
    assert sorted(calls) == sorted(FAULT_POINTS)


def test_the_fault_tests_kill_at_every_point() -> None:
    killed = {point for command in COMMANDS for point in command.points} | {*WRITER_POINTS, *SERVER_POINTS}
    assert killed == set(FAULT_POINTS)


@pytest.mark.parametrize(
    ("armed", "printed"),
    [
        pytest.param("swap.renamed", "", id="first-pass"),
        pytest.param("swap.renamed:2", "1\n", id="second-pass"),
        pytest.param("swap.link-made", "1\n2\n3\n", id="another-point"),
    ],
)
def test_an_armed_point_kills_its_process_at_the_pass_it_counts(armed: str, printed: str) -> None:
    code = "from dragonbear.fault_points import fault_point\nfor n in (1, 2, 3):\n    fault_point('swap.renamed'); print(n, flush=True)"
    result = _run(code, armed)
    assert result.stdout == printed
    assert result.returncode == (0 if printed == "1\n2\n3\n" else -signal.SIGKILL)


def test_a_point_armed_from_a_file_kills_one_process_and_is_spent(tmp_path: Path) -> None:
    armed = tmp_path / "armed"
    armed.write_text("writer.applied", encoding="utf-8")
    code = "from dragonbear.fault_points import fault_point\nfault_point('writer.applied'); print('alive')"
    assert _run(code, f"@{armed}").returncode == -signal.SIGKILL
    assert not armed.exists()
    assert _run(code, f"@{armed}").stdout == "alive\n"  # the replacement, armed by the same variable


def test_a_point_that_does_not_exist_is_refused() -> None:
    result = _run("import dragonbear.fault_points", "swap.renamd")
    assert result.returncode == 1 and "no fault point 'swap.renamd'" in result.stderr
