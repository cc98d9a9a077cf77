"""The examples in the docstrings run, in every module of the package."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from .test_layout import _modules

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(module for module in _modules().values() if not module.endswith("__main__"))
# Modules whose examples the project relies on: each must have some (a module losing them is a mistake).
WITH_EXAMPLES = {
    "dragonbear.graph.sparql_text",
    "dragonbear.service.runtime.negotiation",
    "dragonbear.service.protocol.request",
    "dragonbear.service.runtime.errors",
    "dragonbear.settings",
    "dragonbear.namespaces",
    "dragonbear.endpoints",
    "dragonbear.formats",
}


def test_every_module_is_covered() -> None:
    assert set(MODULES) >= WITH_EXAMPLES
    assert len(MODULES) >= 100


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name files under tests/data
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module in WITH_EXAMPLES:
        assert result.attempted > 0
