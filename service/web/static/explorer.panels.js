/* The side panels of the lineage explorer, beside the drawing.
 *
 * Details: what a click on the drawing shows. A system: its IRI, country, and links to its page and
 * to its own explorer. A link (a bundle of parallel links): each with its kind, years, confidence
 * and sources. A box (a collapsed group): its count, its members, and a button that draws them or
 * collapses them again.
 * Groups in the drawing: the collapsed groups and the big ones drawn open, each a toggle.
 *
 * window.DragonbearExplorerPanels: node(explorer, iri), bundle(explorer, edgeId), box(explorer, key),
 * groups(explorer, plan).
 */
(function () {
  "use strict";

  var el = window.dragonbearEl;  // explorer.search.js

  function panel() { return document.getElementById("explorer-details"); }

  function node(x, iri) {
    var found = x.graph.nodes.find(function (n) { return n.iri === iri; });
    if (!found) { return; }
    var items = [el("h2", { text: found.label }),
                 el("p", {}, [el("code", { "class": "iri", text: found.iri })]),
                 el("p", { text: found.type + (found.country ? " · " + found.country_label : "") })];
    var actions = [el("a", { href: x.pathOf(iri), "class": "explorer-open", text: "Open the entity page" })];
    var again = x.explorePathOf(iri);
    if (again && iri !== x.graph.system) {
      actions.push(" · ", el("a", { href: again, "class": "explorer-recentre", text: "Explore its lineage" }));
    }
    items.push(el("p", {}, actions));
    panel().replaceChildren.apply(panel(), items);
  }

  function bundle(x, id) {
    var group = x.bundles.find(function (g) { return g.id === id; });
    if (!group) { return; }
    var shown = {};
    x.visibleEdges().forEach(function (e) { shown[e.id] = true; });
    var blocks = group.members.filter(function (e) { return shown[e.id]; }).map(function (e) {
      var rows = [["relation", e.relation], ["how", e.kind], ["year", x.when(e)],
                  ["confidence", e.confidence === null ? "not recorded" : e.confidence.toFixed(2)]];
      var dl = el("dl", { "class": "term" }, []);
      rows.forEach(function (r) { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: r[1] })); });
      dl.appendChild(el("dt", { text: "sources" }));
      dl.appendChild(el("dd", {}, x.sourceLinks(e)));
      return dl;
    });
    panel().replaceChildren.apply(panel(), [
      el("h2", {}, [x.label(group.source) + " → " + x.label(group.target)]),
      el("p", {}, [x.link(group.source), " · ", x.link(group.target)])].concat(blocks));
  }

  /* A group of the drawing: its count, its members, and a button to open or close it. */
  function box(x, key) {
    var g = x.group(key);
    if (!g) { return; }
    var toggle = el("button", { type: "button", "class": "explorer-group-toggle", "aria-expanded": String(!g.collapsed) },
                    [g.collapsed ? "Draw its systems" : "Collapse the group"]);
    toggle.addEventListener("click", function () { x.toggleGroup(key); box(x, key); });
    var members = g.members.slice(0, 200).map(function (m) { return el("li", {}, [x.link(m)]); });
    if (g.members.length > 200) { members.push(el("li", { "class": "muted", text: "and " + (g.members.length - 200) + " more: see the table" })); }
    panel().replaceChildren(
      el("h2", { text: window.DragonbearLineageGroups.noun(g) + " · " + g.kind }),
      el("p", { text: x.relationText(g.relation).replace(/ \(.*\)$/, "") + ", " + g.links.length + " links, of " + x.label(g.anchor) + "." }),
      el("p", {}, [toggle]),
      el("ul", { "class": "explorer-members" }, members));
  }

  /* The panel "Groups in the drawing": the collapsed groups and the big ones drawn open, each a toggle. */
  function groups(x, plan) {
    var section = document.getElementById("explorer-groups"), GROUPS = window.DragonbearLineageGroups;
    if (!section) { return; }
    var listed = plan.groups.filter(function (g) {  // collapsed with a box, or big, or opened by the reader
      return plan.shown[g.anchor] && (g.collapsed ? g.hidden.length > 0 : x.view.opened[g.key] || g.members.length > GROUPS.defaults.collapseAt);
    });
    var items = listed.map(function (g) {
      var button = el("button", { type: "button", "class": "explorer-group-toggle", "aria-expanded": String(!g.collapsed),
                                  "data-count": String(g.members.length), "data-relation": g.relation, "data-kind": g.kind,
                                  title: (g.collapsed ? "draw its " : "collapse its ") + g.members.length + " systems" }, [
        (g.collapsed ? "▸ " : "▾ ") + GROUPS.noun(g) + " · " + g.kind]);
      button.addEventListener("click", function () { x.toggleGroup(g.key); });
      return el("li", {}, [button, el("span", { "class": "muted", text: " of " + x.label(g.anchor) + ", " + g.links.length + " links" })]);
    });
    section.replaceChildren.apply(section, [el("h2", { id: "explorer-groups-title", text: "Groups in the drawing" })].concat(items.length ? [
      el("p", { "class": "muted", text: "Big groups are drawn as one box with their count. Click a box, or a group here, to draw its systems." }),
      el("ul", { "class": "explorer-group-list" }, items)] : [el("p", { "class": "muted", text: "Every link passing the filters is drawn." })]));
  }

  window.DragonbearExplorerPanels = { node: node, bundle: bundle, box: box, groups: groups };
})();
