"""What a statement node says, in words, for the top of its page.

A claim says it in ``dgb:statement`` and a reported figure in ``dgb:figureText``; a derivation, a
component fit and an arms transfer are put in words from their links ("The Shenyang J-11 derives
from the Sukhoi Su-27SK by licensed production, from 1998."). Labels come from the page's labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from dragonbear.namespaces import DGB

__all__ = ["statement_sentence"]

Props = Sequence[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal, bool]]


def _values(props: Props, local: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    return [o for p, o, asserted in props if p == DGB + local and asserted]


def _name(props: Props, local: str, labels: Mapping[str, str]) -> str | None:
    found = _values(props, local)
    if not found:
        return None
    value = found[0].value
    return labels.get(value, value.rsplit("/", 1)[-1]) if isinstance(found[0], ox.NamedNode) else value


def statement_sentence(types: Sequence[str], props: Props, labels: Mapping[str, str]) -> str | None:
    """The statement in words, or ``None`` when the node is no statement this knows how to say.

    >>> from dragonbear.namespaces import DGB
    >>> props = [(DGB + "derivedSystem", ox.NamedNode("x:j11"), True), (DGB + "sourceSystem", ox.NamedNode("x:su27"), True),
    ...          (DGB + "derivationKind", ox.NamedNode(DGB + "LicensedProduction"), True),
    ...          (DGB + "startYear", ox.Literal("1998"), True)]
    >>> statement_sentence([DGB + "Derivation"], props, {"x:j11": "J-11", "x:su27": "Su-27SK",
    ...                    DGB + "LicensedProduction": "licensed production"})
    'J-11 derives from Su-27SK by licensed production, from 1998.'
    """
    for local in ("statement", "figureText"):
        text = _name(props, local, labels)
        if text:
            return text if local == "statement" else f"A source reports {text}."
    year = _name(props, "startYear", labels)
    if DGB + "Derivation" in types:
        derived, source, kind = (_name(props, k, labels) for k in ("derivedSystem", "sourceSystem", "derivationKind"))
        if derived:
            origin = f" from {source}" if source else ""
            return f"{derived} derives{origin} by {kind or 'a derivation'}" + (f", from {year}." if year else ".")
    if DGB + "ComponentFit" in types:
        platform, component = _name(props, "platform", labels), _name(props, "component", labels)
        if platform and component:
            role = _name(props, "componentRole", labels)
            supplier = _name(props, "componentSupplier", labels)
            text = f"{platform} uses the {component}" + (f" ({role})" if role else "")
            text += f", supplied by {supplier}" if supplier else ""
            end = _name(props, "endYear", labels)
            return text + (f", {year}-{end}." if year and end and end != year else f", {year}." if year else ".")
    if DGB + "ArmsTransfer" in types:
        supplier, recipient, system = (_name(props, k, labels) for k in ("supplier", "recipient", "transferredSystem"))
        if supplier and recipient and system:
            order = _name(props, "orderYear", labels)
            return f"{supplier} transfers {system} to {recipient}" + (f", ordered {order}." if order else ".")
    return None
