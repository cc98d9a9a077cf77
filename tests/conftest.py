"""Shared fixtures: one store built from the shipped data for the whole session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dragonbear.graph.build import BuildReport, build_store
from dragonbear.graph.store import EmbeddedStore, open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REGISTER = SHARED / "data" / "sipri" / "trade-register.csv"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """A store built from the shipped data, once per session."""
    store_dir = tmp_path_factory.mktemp("store")
    report = build_store(store_dir, progress=lambda _m: None)
    return store_dir, report


@pytest.fixture(scope="session")
def store(built: tuple[Path, BuildReport]) -> Iterator[EmbeddedStore]:
    """The shipped graph, opened read-only."""
    yield open_store(built[0], read_only=True)


def run_cli(*args: str, store_dir: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real `dragonbear` command (the installed entry point's module) in a subprocess."""
    full_env = dict(os.environ)
    if store_dir is not None:
        full_env["DRAGONBEAR_STORE"] = str(store_dir)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "dragonbear.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)
