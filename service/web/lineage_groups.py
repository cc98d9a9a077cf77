"""Large lineages kept readable: links grouped by relation and kind, big groups collapsed, the drawing capped.

A missile fitted to fifty platforms, or a fighter with a hundred variants and copies, draws as a
hairball. The entity pages plan their drawing with the rule below; the explorer's script
(``static/explorer.groups.js``) applies the same rule in the browser, where the filters change it.

1. Every link hangs from its *anchor*: the end nearer to the focus (breadth-first over the links,
   either way; the end reached first on a tie), except that a state or organization other than the
   focus never anchors (it is a leaf of a lineage). The other end is a *member* of the anchor's group
   for the link's relation, kind and side.
2. The side says which way the members stand: they come from the anchor or depend on it ("in":
   derived systems, variants, platforms, recipients), or the anchor comes from them ("out": origins,
   base systems, components, systems received).
3. A group of more than ``collapse_at`` members (12) is drawn collapsed: one box, "50 platforms" over
   its kind, linked to the anchor; its members, and what hangs from them, are not drawn. A member
   that another open group reaches is drawn all the same, with its link; the box then counts the
   others ("47 more platforms"), and a group none of whose members is hidden has no box.
4. While more than ``max_drawn`` boxes would still be drawn, or more than ``max_row`` in one row (a
   generation: the focus is row 0, members that come from their anchor one row below it, members
   the anchor comes from one row above), the open group that hides the most members when
   collapsed (in the crowded row; the farthest from the focus on a tie) is collapsed as well.
5. A group the reader opened or closed stays as chosen (the rule decides only the others).

Nothing is lost: the page's table lists every link, grouped by relation and kind.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from dragonbear.service.web.lineage import Lineage, LineageEdge

__all__ = [
    "COLLAPSE_AT",
    "MAX_DRAWN",
    "MAX_ROW",
    "Drawing",
    "LinkGroup",
    "group_links",
    "kind_groups",
    "plan_drawing",
    "when",
]

COLLAPSE_AT = 12
MAX_DRAWN = 30
MAX_ROW = 5  # boxes in one generation: one line of the entity page (a group the reader opens wraps)

_NOUNS = {
    ("derivation", "in"): ("derived system", "derived systems"),
    ("derivation", "out"): ("origin", "origins"),
    ("variant", "in"): ("variant", "variants"),
    ("variant", "out"): ("base system", "base systems"),
    ("component", "in"): ("platform", "platforms"),
    ("component", "out"): ("component", "components"),
    ("transfer", "in"): ("recipient", "recipients"),
    ("transfer", "out"): ("system received", "systems received"),
}
RELATION_NAMES = {
    "derivation": "derivation",
    "variant": "variant",
    "component": "component fit",
    "transfer": "transfer",
}
_RELATION_ORDER = ("derivation", "variant", "component", "transfer")


@dataclass
class LinkGroup:
    """The links of one anchor with one relation, kind and side, and the members they reach."""

    key: str
    anchor: str
    relation: str
    kind: str
    side: str
    depth: int
    members: list[str] = field(default_factory=list)
    edges: list[LineageEdge] = field(default_factory=list)
    collapsed: bool = False
    hidden: list[str] = field(default_factory=list)  # members a collapsed group keeps out of the drawing

    def _count(self, n: int, more: str = "") -> str:
        one, many = _NOUNS.get((self.relation, self.side), ("system", "systems"))
        return f"{n} {more}{one if n == 1 else many}"

    @property
    def noun(self) -> str:
        """What the members are, counted: "50 platforms", "1 variant"."""
        return self._count(len(self.members))

    @property
    def box_label(self) -> str:
        """The count on its box: "50 platforms", or "47 more platforms" when some are drawn anyway."""
        return self._count(len(self.hidden), "more " if len(self.hidden) < len(self.members) else "")


@dataclass
class Drawing:
    """What to draw: the systems shown, the links drawn, and the groups drawn as one box each."""

    groups: list[LinkGroup]
    shown: set[str]
    edges: list[LineageEdge]
    boxes: list[LinkGroup]

    @property
    def hidden_links(self) -> int:
        """How many links are not drawn (they are in collapsed groups; the table lists them)."""
        drawn = {id(e) for e in self.edges}
        return sum(1 for g in self.groups for e in g.edges if id(e) not in drawn)


def _rank(lineage: Lineage) -> dict[str, tuple[int, int]]:
    """(distance from the focus, order of discovery) of every node, breadth-first either way along links."""
    near: dict[str, list[str]] = {}
    for e in lineage.edges:
        near.setdefault(e.source, []).append(e.target)
        near.setdefault(e.target, []).append(e.source)
    label = {iri: node.label.casefold() for iri, node in lineage.nodes.items()}
    rank = {lineage.focus: (0, 0)}
    queue = deque([lineage.focus])
    while queue:
        at = queue.popleft()
        for nxt in sorted(set(near.get(at, ())), key=lambda n: (label.get(n, n), n)):
            if nxt not in rank:
                rank[nxt] = (rank[at][0] + 1, len(rank))
                queue.append(nxt)
    return rank


def group_key(anchor: str, relation: str, kind: str, side: str) -> str:
    """The stable key of a group, for a URL: the anchor's local name, the relation, the kind and the side.

    >>> group_key("https://w3id.org/dragonbear/id/system/r-77", "component", "weapon", "in")
    'r-77~component~weapon~in'
    """
    local = anchor.split("/id/system/", 1)[-1] if "/id/system/" in anchor else anchor
    return "~".join((local, relation, "-".join(kind.split()), side))


def group_links(lineage: Lineage, *, agents: Iterable[str] = ()) -> list[LinkGroup]:
    """The links of ``lineage`` grouped by anchor, relation, kind and side (rules 1 and 2 above).

    Args:
        lineage: the lineage (its ``focus`` is where distances start).
        agents: nodes that are states or organizations (never an anchor, unless the focus).

    Returns:
        The groups, nearest anchors first, then by relation and kind; members in order of discovery.
    """
    rank = _rank(lineage)
    far = (len(rank) + 1, len(rank) + 1)
    agent = set(agents) - {lineage.focus}
    groups: dict[str, LinkGroup] = {}
    for e in lineage.edges:
        source, target = (rank.get(e.source, far), e.source in agent), (rank.get(e.target, far), e.target in agent)
        anchored_at_target = (target[1], target[0]) < (source[1], source[0])
        anchor, member = (e.target, e.source) if anchored_at_target else (e.source, e.target)
        side = "in" if anchored_at_target else "out"
        key = group_key(anchor, e.relation, e.kind, side)
        if key not in groups:
            groups[key] = LinkGroup(key, anchor, e.relation, e.kind, side, rank.get(anchor, far)[0])
        group = groups[key]
        group.edges.append(e)
        if member not in group.members:
            group.members.append(member)
    for group in groups.values():
        group.members.sort(key=lambda m: rank.get(m, far))
    order = {r: i for i, r in enumerate(_RELATION_ORDER)}
    return sorted(groups.values(), key=lambda g: (rank.get(g.anchor, far), order.get(g.relation, 9), g.kind, g.side))


def _reach(focus: str, groups: list[LinkGroup]) -> set[str]:
    """The nodes reached from ``focus`` through the links of the open groups."""
    near: dict[str, set[str]] = {}
    for g in groups:
        if not g.collapsed:
            for e in g.edges:
                near.setdefault(e.source, set()).add(e.target)
                near.setdefault(e.target, set()).add(e.source)
    seen, queue = {focus}, [focus]
    while queue:
        for nxt in near.get(queue.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _rows(focus: str, groups: list[LinkGroup], shown: set[str]) -> tuple[dict[str, int], dict[int, int]]:
    """The row of every system shown and of every group (its members' row), and the boxes drawn per row."""
    row = {focus: 0}
    of_group: dict[str, int] = {}
    for g in groups:  # nearest anchors first, so an anchor has its row before its groups are placed
        if g.anchor not in row:
            continue
        of_group[g.key] = row[g.anchor] + (1 if g.side == "in" else -1)
        if not g.collapsed:
            for m in g.members:
                if m in shown:
                    row.setdefault(m, of_group[g.key])
    count: dict[int, int] = {}
    for n in shown:
        if n in row:
            count[row[n]] = count.get(row[n], 0) + 1
    for g in groups:
        if g.collapsed and g.anchor in shown and g.key in of_group:
            count[of_group[g.key]] = count.get(of_group[g.key], 0) + 1
    return of_group, count


def _to_collapse(
    groups: list[LinkGroup], shown: set[str], opened: set[str], focus: str, max_drawn: int, max_row: int
) -> LinkGroup | None:
    """The group rule 4 collapses next, or None when the drawing is small enough (or cannot shrink)."""
    of_group, count = _rows(focus, groups, shown)
    boxes = sum(1 for g in groups if g.collapsed and g.anchor in shown)
    crowded = {r for r, n in count.items() if n > max_row}
    if len(shown) + boxes <= max_drawn and not crowded:
        return None
    reached: dict[str, int] = {}  # how many open groups reach each member
    for g in groups:
        if not g.collapsed and g.anchor in shown:
            for m in g.members:
                reached[m] = reached.get(m, 0) + 1
    only = {g.key: sum(1 for m in g.members if m in shown and m != focus and reached.get(m) == 1) for g in groups}
    candidates = [
        g for g in groups if not g.collapsed and g.key not in opened and g.anchor in shown and only[g.key] > 1
    ]
    if len(shown) + boxes <= max_drawn:
        candidates = [g for g in candidates if of_group.get(g.key) in crowded]
    if not candidates:
        return None
    return max(candidates, key=lambda g: (only[g.key], g.depth, g.key))


def plan_drawing(
    lineage: Lineage,
    groups: list[LinkGroup] | None = None,
    *,
    opened: Iterable[str] = (),
    closed: Iterable[str] = (),
    collapse_at: int = COLLAPSE_AT,
    max_drawn: int = MAX_DRAWN,
    max_row: int = MAX_ROW,
) -> Drawing:
    """Decide which groups are drawn collapsed (rules 3 to 5 above) and what is drawn.

    Args:
        lineage: the lineage.
        groups: its groups (:func:`group_links`), or None to group it here.
        opened: keys of groups the reader opened; closed: keys of groups the reader closed.
        collapse_at: a group of more members than this starts collapsed.
        max_drawn: collapse more groups while more boxes (systems and groups) than this would be drawn.
        max_row: collapse more groups while more boxes than this would be drawn in one row.

    Returns:
        The drawing: systems shown, links drawn, and the collapsed groups whose anchor is shown (boxes).

    >>> from dragonbear.service.web.lineage import LineageNode
    >>> lin = Lineage("hub", {"hub": LineageNode("hub", "Hub")})
    >>> for i in range(20):
    ...     lin.nodes[f"p{i}"] = LineageNode(f"p{i}", f"P{i}")
    ...     lin.edges.append(LineageEdge(f"p{i}", "hub", "weapon", relation="component"))
    >>> drawing = plan_drawing(lin)
    >>> [(b.box_label, b.kind) for b in drawing.boxes], drawing.shown, drawing.hidden_links
    ([('20 platforms', 'weapon')], {'hub'}, 20)
    >>> len(plan_drawing(lin, opened=["hub~component~weapon~in"]).shown)
    21
    """
    groups = group_links(lineage) if groups is None else groups
    opened, closed = set(opened), set(closed)
    for g in groups:
        g.collapsed = g.key in closed or (g.key not in opened and len(g.members) > collapse_at)
    shown = _reach(lineage.focus, groups)
    while (group := _to_collapse(groups, shown, opened, lineage.focus, max_drawn, max_row)) is not None:
        group.collapsed = True
        shown = _reach(lineage.focus, groups)
    edges = [e for g in groups for e in g.edges if e.source in shown and e.target in shown]
    for g in groups:
        g.hidden = [m for m in g.members if m not in shown] if g.collapsed else []
    boxes = [g for g in groups if g.collapsed and g.anchor in shown and g.hidden]
    return Drawing(groups, shown, edges, boxes)


def kind_groups(edges: Iterable[LineageEdge]) -> list[tuple[str, str, list[LineageEdge]]]:
    """The links grouped by relation, then kind, for the table: ``(relation, kind, links)``.

    >>> [(r, k, len(x)) for r, k, x in kind_groups([LineageEdge("a", "b", "variant of"),
    ...                                              LineageEdge("c", "b", "licensed production", "dgb:L")])]
    [('derivation', 'licensed production', 1), ('variant', 'variant of', 1)]
    """
    found: dict[tuple[str, str], list[LineageEdge]] = {}
    for e in edges:
        found.setdefault((e.relation, e.kind), []).append(e)
    order = {r: i for i, r in enumerate(_RELATION_ORDER)}
    return [
        (r, k, links)
        for (r, k), links in sorted(found.items(), key=lambda item: (order.get(item[0][0], 9), item[0][0], item[0][1]))
    ]


def when(edge: LineageEdge) -> str:
    """The years of a link as text: "1998", "1991–1996", "until 2014", or "" when undated.

    >>> when(LineageEdge("a", "b", "weapon", year=1991, end=1996)), when(LineageEdge("a", "b", "x", end=2014))
    ('1991–1996', 'until 2014')
    """
    if edge.year is None:
        return "" if edge.end is None else f"until {edge.end}"
    return str(edge.year) + (f"–{edge.end}" if edge.end is not None and edge.end != edge.year else "")
