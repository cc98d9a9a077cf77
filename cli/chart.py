"""``dragonbear chart NAME``: a chart as PNG or SVG (or its numbers as CSV or JSON) from the store.

Examples::

    dragonbear chart --list
    dragonbear chart deliveries-to-china                      # writes deliveries-to-china.png
    dragonbear chart exercises-by-domain --format svg --output exercises.svg --from 2012
    dragonbear chart exports-by-region --format csv --output -   # the numbers, on standard output
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from dragonbear.cli.app import StoreOption, _open_graph, app
from dragonbear.errors import UsageError

__all__ = ["ChartOutput", "chart"]


class ChartOutput(str, enum.Enum):
    """What ``dragonbear chart`` writes: an image, or the numbers behind it."""

    PNG = "png"
    SVG = "svg"
    CSV = "csv"
    JSON = "json"


def _format_for(fmt: ChartOutput | None, output: Path | None) -> ChartOutput:
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output is not None and str(output) != "-" else ""
    try:
        return ChartOutput(suffix) if suffix else ChartOutput.PNG
    except ValueError:
        raise UsageError(f"cannot tell the format from {output}; give --format png, svg, csv or json") from None


@app.command("chart")
def chart(
    name: Annotated[str | None, typer.Argument(help="A chart (see --list).")] = None,
    fmt: Annotated[
        ChartOutput | None,
        typer.Option(
            "--format", "-f", help="png or svg; csv or json for the numbers (default: from --output, else png)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write, or - for standard output (default: NAME.FORMAT here)."),
    ] = None,
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the charts.")] = False,
    store: StoreOption = None,
) -> None:
    """Draw a chart from the store: joint exercises by domain, deliveries to China, exports by region."""
    from dragonbear.graph.chart_data import CHARTS, chart_data, chart_spec

    if list_ or name is None:
        for spec in CHARTS.values():
            typer.echo(f"{spec.name:<22} {spec.title}")
        return
    chart_spec(name)  # an unknown name is a usage error before the store is opened
    kind = _format_for(fmt, output)
    data = chart_data(_open_graph(store), name, first=first, last=last)
    if kind in (ChartOutput.PNG, ChartOutput.SVG):
        from dragonbear.graph.charts import render_chart

        body = render_chart(data, kind.value)
    else:
        body = (data.to_csv() if kind is ChartOutput.CSV else data.to_json() + "\n").encode("utf-8")
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    target = output if output is not None else Path(f"{name}.{kind.value}")
    try:
        target.write_bytes(body)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from exc
    typer.echo(f"{target}: {data.spec.title} ({kind.value}, {len(body):,} bytes)")
