"""The examples in the docstrings of the endpoint's modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["dragonbear.graph.sparql_text", "dragonbear.service.negotiation",
                                    "dragonbear.service.protocol", "dragonbear.service.errors", "dragonbear.settings"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
