/* Large lineages kept readable in the explorer: the rule of service/web/lineage_groups.py.
 *
 * 1. Every link hangs from its anchor: the end nearer to the focus (breadth-first over the links,
 *    either way; the end reached first on a tie), except that a state or organization other than
 *    the focus never anchors. The other end is a member of the anchor's group for the link's
 *    relation, kind and side ("in": members come from the anchor or depend on it; "out": the anchor
 *    comes from them).
 * 2. A group of more than COLLAPSE_AT members is drawn collapsed: one box with its count, linked to
 *    the anchor; its members, and what hangs from them, are not drawn. A member another open group
 *    reaches is drawn all the same, with its link; the box counts the others ("47 more platforms"),
 *    and a group none of whose members is hidden has no box.
 * 3. While more than MAX_DRAWN boxes would be drawn, or more than MAX_ROW in one row (a generation),
 *    the open group that hides the most members when collapsed (in the crowded row; the farthest
 *    from the focus on a tie) collapses too.
 * 4. A group the reader opened or closed stays as chosen.
 *
 * window.DragonbearLineageGroups.plan(focus, links, options) answers
 * { groups, shown: {iri: true}, drawn: {linkId: true}, boxes: [group] }.
 */
(function () {
  "use strict";

  var NOUNS = {
    "derivation in": ["derived system", "derived systems"], "derivation out": ["origin", "origins"],
    "variant in": ["variant", "variants"], "variant out": ["base system", "base systems"],
    "component in": ["platform", "platforms"], "component out": ["component", "components"],
    "transfer in": ["recipient", "recipients"], "transfer out": ["system received", "systems received"]
  };
  var ORDER = { derivation: 0, variant: 1, component: 2, transfer: 3 };
  var DEFAULTS = { collapseAt: 12, maxDrawn: 40, maxRow: 14 };

  function count(group, n, more) {
    var words = NOUNS[group.relation + " " + group.side] || ["system", "systems"];
    return n + " " + (more || "") + (n === 1 ? words[0] : words[1]);
  }

  /* What the members of a group are, counted: "50 platforms", "1 variant". */
  function noun(group) { return count(group, group.members.length); }

  /* The count on a box: "50 platforms", or "47 more platforms" when some are drawn anyway. */
  function boxLabel(group) {
    var n = (group.hidden || []).length;
    return count(group, n, n < group.members.length ? "more " : "");
  }

  /* [distance from the focus, order of discovery] of every node, breadth-first either way. */
  function rank(focus, links, labelOf) {
    var near = {}, found = {}, queue = [focus];
    links.forEach(function (e) {
      (near[e.source] = near[e.source] || []).push(e.target);
      (near[e.target] = near[e.target] || []).push(e.source);
    });
    found[focus] = [0, 0];
    var count = 1;
    for (var i = 0; i < queue.length; i++) {
      var at = queue[i];
      var next = Array.from(new Set(near[at] || [])).sort(function (a, b) {
        return labelOf(a).localeCompare(labelOf(b)) || (a < b ? -1 : a > b ? 1 : 0);
      });
      next.forEach(function (n) {
        if (!found[n]) { found[n] = [found[at][0] + 1, count++]; queue.push(n); }
      });
    }
    return found;
  }

  function before(a, b) { return a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1]; }

  function groupLinks(focus, links, isAgent, labelOf) {
    var ranks = rank(focus, links, labelOf), far = [1e9, 1e9], groups = {}, list = [];
    function r(n) { return ranks[n] || far; }
    links.forEach(function (e) {
      var sAgent = e.source !== focus && isAgent(e.source), tAgent = e.target !== focus && isAgent(e.target);
      var atTarget = sAgent !== tAgent ? sAgent : before(r(e.target), r(e.source));
      var anchor = atTarget ? e.target : e.source, member = atTarget ? e.source : e.target;
      var side = atTarget ? "in" : "out";
      var key = [anchor, e.relation, e.kind, side].join("\u0000");
      var g = groups[key];
      if (!g) {
        g = groups[key] = { key: key, anchor: anchor, relation: e.relation, kind: e.kind, side: side,
                            depth: r(anchor)[0], rank: r(anchor), members: [], links: [], seen: {} };
        list.push(g);
      }
      g.links.push(e);
      if (!g.seen[member]) { g.seen[member] = true; g.members.push(member); }
    });
    list.forEach(function (g) { g.members.sort(function (a, b) { return before(r(a), r(b)) ? -1 : 1; }); });
    return list.sort(function (a, b) {
      return (before(a.rank, b.rank) ? -1 : before(b.rank, a.rank) ? 1 : 0) ||
        (ORDER[a.relation] - ORDER[b.relation]) || a.kind.localeCompare(b.kind) || a.side.localeCompare(b.side);
    });
  }

  function reach(focus, groups) {
    var near = {}, seen = {}, queue = [focus];
    groups.forEach(function (g) {
      if (g.collapsed) { return; }
      g.links.forEach(function (e) {
        (near[e.source] = near[e.source] || []).push(e.target);
        (near[e.target] = near[e.target] || []).push(e.source);
      });
    });
    seen[focus] = true;
    while (queue.length) {
      (near[queue.pop()] || []).forEach(function (n) { if (!seen[n]) { seen[n] = true; queue.push(n); } });
    }
    return seen;
  }

  /* The row of each group's members, and the boxes (systems and collapsed groups) drawn per row. */
  function rows(focus, groups, shown) {
    var row = {}, ofGroup = {}, count = {};
    row[focus] = 0;
    groups.forEach(function (g) {
      if (!(g.anchor in row)) { return; }
      ofGroup[g.key] = row[g.anchor] + (g.side === "in" ? 1 : -1);
      if (g.collapsed) { return; }
      g.members.forEach(function (m) { if (shown[m] && !(m in row)) { row[m] = ofGroup[g.key]; } });
    });
    Object.keys(shown).forEach(function (n) { if (n in row) { count[row[n]] = (count[row[n]] || 0) + 1; } });
    groups.forEach(function (g) {
      if (g.collapsed && shown[g.anchor] && g.key in ofGroup) { count[ofGroup[g.key]] = (count[ofGroup[g.key]] || 0) + 1; }
    });
    return { ofGroup: ofGroup, count: count };
  }

  function nextToCollapse(focus, groups, shown, opened, o) {
    var placed = rows(focus, groups, shown), crowded = {}, any = false;
    Object.keys(placed.count).forEach(function (r) { if (placed.count[r] > o.maxRow) { crowded[r] = true; any = true; } });
    var boxes = groups.filter(function (g) { return g.collapsed && shown[g.anchor]; }).length;
    var tooMany = Object.keys(shown).length + boxes > o.maxDrawn;
    if (!tooMany && !any) { return null; }
    var reached = {}, only = {};  // how many open groups reach each member; the members only one reaches
    groups.forEach(function (g) {
      if (!g.collapsed && shown[g.anchor]) { g.members.forEach(function (m) { reached[m] = (reached[m] || 0) + 1; }); }
    });
    groups.forEach(function (g) {
      only[g.key] = g.members.filter(function (m) { return shown[m] && m !== focus && reached[m] === 1; }).length;
    });
    var candidates = groups.filter(function (g) {
      return !g.collapsed && !opened[g.key] && shown[g.anchor] && (tooMany || crowded[placed.ofGroup[g.key]]) && only[g.key] > 1;
    });
    if (!candidates.length) { return null; }
    return candidates.reduce(function (best, g) {
      var a = [only[g.key], g.depth, g.key], b = [only[best.key], best.depth, best.key];
      return a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))) ? g : best;
    });
  }

  /* Plan the drawing of `links` (already filtered) around `focus`.
   * options: opened / closed ({key: true}), isAgent(iri), labelOf(iri), collapseAt, maxDrawn, maxRow. */
  function plan(focus, links, options) {
    var o = Object.assign({}, DEFAULTS, options || {});
    var opened = o.opened || {}, closed = o.closed || {};
    var groups = groupLinks(focus, links, o.isAgent || function () { return false; }, o.labelOf || String);
    groups.forEach(function (g) { g.collapsed = !!closed[g.key] || (!opened[g.key] && g.members.length > o.collapseAt); });
    var shown = reach(focus, groups), guard = groups.length + 1, next;
    while (guard-- > 0 && (next = nextToCollapse(focus, groups, shown, opened, o))) {
      next.collapsed = true;
      shown = reach(focus, groups);
    }
    var drawn = {};
    groups.forEach(function (g) {
      g.links.forEach(function (e) { if (shown[e.source] && shown[e.target]) { drawn[e.id] = true; } });
      g.hidden = g.collapsed ? g.members.filter(function (m) { return !shown[m]; }) : [];
    });
    return { groups: groups, shown: shown, drawn: drawn,
             boxes: groups.filter(function (g) { return g.collapsed && shown[g.anchor] && g.hidden.length; }) };
  }

  window.DragonbearLineageGroups = { plan: plan, noun: noun, boxLabel: boxLabel, defaults: DEFAULTS };
})();
