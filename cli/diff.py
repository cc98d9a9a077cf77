"""``dragonbear diff A B``: what changed between two releases of the graph (stores or N-Quads dumps)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dragonbear.cli.app import _emit, app

__all__ = ["diff"]


class DiffFormat(StrEnum):
    """Output of ``dragonbear diff``."""

    TABLE = "table"
    JSON = "json"


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The older release: a store directory or an N-Quads dump.")],
    new: Annotated[Path, typer.Argument(help="The newer release: a store directory or an N-Quads dump.")],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="table or json.")] = DiffFormat.TABLE,
) -> None:
    """Statements added, removed and changed between two releases, by kind and by source."""
    from dragonbear.graph.diff import diff_releases, read_side

    result = diff_releases(read_side(old), read_side(new))
    text = result.table() if fmt is DiffFormat.TABLE else json.dumps(result.as_json(), ensure_ascii=False, indent=2)
    _emit((text + "\n").encode("utf-8"))
