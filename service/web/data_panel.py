"""The "get this data" panel of a canned query's answer and of a chart: file links and code.

One panel per thing shown: links to its files at stable URLs (CSV, an Excel-readable workbook, JSON
...) and snippets that fetch the same numbers (curl, Python with pandas, R with readr, and others the
caller adds), each folded under its name. The snippets are text for the reader to copy: the page makes
no request with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dragonbear.service.web.layout import esc

__all__ = ["data_panel", "table_snippets"]


def table_snippets(url: str, filename: str) -> dict[str, str]:
    """Code that fetches the CSV at ``url`` (an absolute URL): curl to ``filename``, pandas, readr.

    >>> list(table_snippets("http://x/charts/c.csv", "c.csv"))
    ['curl', 'Python (pandas)', 'R (readr)']
    >>> table_snippets("http://x/charts/c.csv", "c.csv")["R (readr)"]
    'library(readr)\\n\\ndf <- read_csv("http://x/charts/c.csv")'
    """
    return {
        "curl": f"curl -L -o '{filename}' '{url}'",
        "Python (pandas)": f'import pandas as pd\n\ndf = pd.read_csv("{url}")',
        "R (readr)": f'library(readr)\n\ndf <- read_csv("{url}")',
    }


def data_panel(
    links: Sequence[tuple[str, str]], snippets: Mapping[str, str], *, ident: str = "get-data", note: str = ""
) -> str:
    """The panel's HTML.

    Args:
        links: (URL, label) of each file, in order; each is a download link.
        snippets: code by title (curl, Python (pandas) ...), shown folded.
        ident: the id of the panel's heading (one per panel on a page).
        note: HTML after the links (release, licence, attribution).

    Returns:
        A ``<section>`` labelled by its heading, "Get this data".

    >>> html = data_panel([("/a.csv", "CSV")], {"curl": "curl /a.csv"}, ident="get-data-a")
    >>> 'aria-labelledby="get-data-a"' in html and '<a href="/a.csv" download>CSV</a>' in html
    True
    """
    files = " · ".join(f'<a href="{esc(url)}" download>{esc(label)}</a>' for url, label in links)
    code = "".join(
        f"<details><summary>{esc(title)}</summary><pre><code>{esc(text)}</code></pre></details>"
        for title, text in snippets.items()
    )
    return (
        f'<section class="get-data" aria-labelledby="{esc(ident)}"><h2 id="{esc(ident)}">Get this data</h2>'
        f"<p>{files}</p>{note}{code}</section>"
    )
