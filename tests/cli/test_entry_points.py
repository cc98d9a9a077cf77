"""The command as a user starts it, in a process of its own: the installed `dragonbear` script,
``python -m dragonbear`` and ``python -m dragonbear.cli`` are one command line, with its exit codes and
its messages on standard error. The commands themselves are tested in this process (``conftest.cli``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dragonbear import __version__, data_release
from dragonbear.pipeline.build import BuildReport

from ..conftest import ROOT

SCRIPT = Path(sys.executable).with_name("dragonbear")  # the console script pip installed beside python
SLOW = pytest.mark.slow  # the inner loop starts the installed script; the modules are started in the whole suite
ENTRY_POINTS = [
    pytest.param([str(SCRIPT)], id="dragonbear"),
    pytest.param([sys.executable, "-m", "dragonbear"], id="python-m-dragonbear", marks=SLOW),
    pytest.param([sys.executable, "-m", "dragonbear.cli"], id="python-m-dragonbear.cli", marks=SLOW),
]


def _run(command: list[str], *args: str, store_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAGONBEAR_")}
    if store_dir is not None:
        env["DRAGONBEAR_STORE"] = str(store_dir)
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT.parent)


@pytest.mark.parametrize("command", ENTRY_POINTS)
def test_each_entry_point_gives_the_version_of_the_software_and_the_data(command: list[str]) -> None:
    done = _run(command, "--version")
    release = data_release()
    assert (done.returncode, done.stdout.strip()) == (
        0,
        f"dragonbear {__version__} (data release {release.version}, {release.issued})",
    ), done.stderr


@pytest.mark.slow  # the same errors are tried in this process in test_cli.py
def test_an_error_is_a_message_and_an_exit_code_not_a_traceback(built: tuple[Path, BuildReport]) -> None:
    syntax = _run([str(SCRIPT)], "sparql", "SELEC ?x WHERE {}", store_dir=built[0])
    assert syntax.returncode == 2 and "SPARQL syntax error" in syntax.stderr and "Traceback" not in syntax.stderr
    unknown = _run([str(SCRIPT)], "frobnicate")
    assert unknown.returncode == 2 and "No such command" in unknown.stderr and "Traceback" not in unknown.stderr


@pytest.mark.slow
def test_results_go_to_standard_output_as_bytes(built: tuple[Path, BuildReport]) -> None:
    done = _run(
        [sys.executable, "-m", "dragonbear.cli"],
        "sparql",
        "SELECT ?l WHERE { system:j-11 skos:prefLabel ?l }",
        "--format",
        "csv",
        store_dir=built[0],
    )
    assert done.returncode == 0, done.stderr
    assert "歼-11" in done.stdout.splitlines()  # UTF-8 through the process's own stdout
