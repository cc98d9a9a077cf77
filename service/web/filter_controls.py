"""The filter controls the timeline and the map share: the state and kind choices and the year inputs,
as ``<option>`` lists and labelled number inputs for a plain GET form (no script)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from dragonbear.service.web.layout import esc
from dragonbear.service.web.timeline import KINDS, StateChoice

__all__ = ["kind_options", "state_options", "year_inputs"]


def state_options(states: Sequence[StateChoice], chosen: StateChoice | None) -> str:
    """The options of a state choice, "any state" first, ``chosen`` selected."""
    options = ['<option value="">any state</option>'] + [
        f'<option value="{esc(s.key)}"{" selected" if chosen and chosen.iri == s.iri else ""}>{esc(s.label)}</option>'
        for s in states
    ]
    return "".join(options)


def kind_options(counts: Mapping[str, int], chosen: Collection[str], among: Collection[str] | None = None) -> str:
    """The options of a kind choice with their counts: the kinds ``among`` (all by default) that have
    items or are chosen, "any kind" first."""
    options = ['<option value="">any kind</option>'] + [
        f'<option value="{k.key}"{" selected" if k.key in chosen else ""}>{esc(k.label)} ({counts.get(k.key, 0):,})</option>'
        for k in KINDS
        if (among is None or k.key in among) and (counts.get(k.key) or k.key in chosen)
    ]
    return "".join(options)


def year_inputs(prefix: str, year_from: int | None, year_to: int | None) -> str:
    """The "From year" and "To year" inputs (ids ``{prefix}-from`` and ``{prefix}-to``).

    >>> 'id="t-from"' in year_inputs("t", 2000, None) and 'value="2000"' in year_inputs("t", 2000, None)
    True
    """
    return "".join(
        f'<div class="control"><label for="{prefix}-{name}">{word} year</label><input type="number" '
        f'inputmode="numeric" id="{prefix}-{name}" name="{name}" step="1" min="1000" max="2999" '
        f'value="{"" if value is None else value}"></div>'
        for name, word, value in (("from", "From", year_from), ("to", "To", year_to))
    )
