/* The lineage explorer of Dragonbear (/explore and /explore/{id}).
 *
 * Reads its settings from <script id="explorer-config">, fetches /api/lineage/{id}?direction=...,
 * draws the graph with Cytoscape.js (dagre layout, origins above, descendants below) and filters it
 * in place: year, relation kinds, minimum confidence. A large lineage is drawn with its big groups
 * collapsed into one box each (explorer.groups.js: a box opens on a click, and the panel "Groups in
 * the drawing" opens and closes them); the table "Links" lists every link that passes the filters,
 * drawn or not, grouped by relation and kind (explorer.table.js). Fields an older API left out get
 * defaults:
 * node type "system"; edge relation "variant" for a link without a kind IRI, else "derivation";
 * start = year; no end; no sources.
 *
 * Click a system: its details (with links to its page and to its own explorer). Double-click a
 * system: open its entity page. Click a link: its kind, year, confidence and sources (the side
 * panels are explorer.panels.js; the search box with suggestions, explorer.search.js).
 * The view is kept in the URL (?direction=&year=&confidence=&unrated=&hide=&colour=), to share it.
 *
 * window.dragonbearExplorer exposes the Cytoscape instance, the visible links and the drawing's plan,
 * for the tests.
 */
(function () {
  "use strict";

  var RELATIONS = ["derivation", "variant", "component", "transfer"];
  var RELATION_TEXT = {
    derivation: "derivation (solid)", variant: "variant (dashed)",
    component: "component fit (dotted)", transfer: "transfer (bold, red)"
  };
  var GROUPS = window.DragonbearLineageGroups, TABLE = window.DragonbearLinkTable, PANELS = window.DragonbearExplorerPanels;
  var FILLS = ["#f6d6c8", "#cfe3f6", "#d8efcf", "#f3d3e8", "#fff0a8", "#e1d8f6", "#cdeeee", "#f1e3cf", "#e4e4e4"];

  function $(id) { return document.getElementById(id); }

  var el = window.dragonbearEl;  // explorer.search.js

  // --- The data: API answer to Cytoscape elements, with defaults for missing fields ----------------

  /* Where a link to an IRI goes: this server's page for the project's IRIs, the IRI for a web IRI,
   * and nowhere ("#") for any other scheme (javascript:, data:...), which the data may hold. */
  function localPath(iri, cfg) {
    if (iri.indexOf(cfg.idBase) === 0) { return "/id/" + iri.slice(cfg.idBase.length); }
    return /^https?:\/\//i.test(iri) ? iri : "#";
  }

  function explorePath(iri, cfg) {
    return iri.indexOf(cfg.systemBase) === 0 ? "/explore/" + encodeURIComponent(iri.slice(cfg.systemBase.length)) : null;
  }

  function num(value) { return typeof value === "number" && isFinite(value) ? value : null; }

  /* The API's JSON is cytoscape.js's elements format: each node's and edge's fields under "data". */
  function normalize(data) {
    var nodes = (data.nodes || []).map(function (element) {
      var n = element.data;
      return { iri: n.id, label: n.label || n.id, country: n.country || null,
               country_label: n.country_label || (n.type === "state" ? n.label : (n.country || "unknown country")),
               type: n.type || "system" };
    });
    var edges = (data.edges || []).map(function (element, i) {
      var e = element.data;
      var relation = RELATIONS.indexOf(e.relation) >= 0 ? e.relation : (e.relation || (e.kind_iri ? "derivation" : "variant"));
      var year = num(e.year), start = num(e.start), end = num(e.end);
      // when the link begins: a transfer's order year (else its first delivery), else start, else year
      var begin = relation === "transfer" ? (year !== null ? year : start) : (start !== null ? start : year);
      return { id: "e" + i, source: e.source, target: e.target, kind: e.kind || relation, kind_iri: e.kind_iri || null,
               relation: relation, year: year, start: begin, end: end,
               confidence: num(e.confidence), sources: Array.isArray(e.sources) ? e.sources : [] };
    });
    var known = {};
    nodes.forEach(function (n) { known[n.iri] = true; });
    edges = edges.filter(function (e) { return known[e.source] && known[e.target]; });
    return { system: data.system, nodes: nodes, edges: edges };
  }

  /* The years of a link as text: "1998", "1991–1996", or "undated". */
  function when(e) {
    if (e.start === null) { return e.end === null ? "undated" : "until " + e.end; }
    return String(e.start) + (e.end !== null && e.end !== e.start ? "–" + e.end : "");
  }

  /* The label of a drawn edge: its one link ("licensed production 1998"), or the kinds with counts
   * and the span of years of several parallel links ("new ×5, second hand 1991–2007"). */
  function summary(links) {
    if (links.length === 1) { return links[0].kind + (links[0].start !== null || links[0].end !== null ? " " + when(links[0]) : ""); }
    var kinds = {}, years = [];
    links.forEach(function (e) {
      kinds[e.kind] = (kinds[e.kind] || 0) + 1;
      [e.start, e.end].forEach(function (y) { if (y !== null) { years.push(y); } });
    });
    var text = Object.keys(kinds).sort().map(function (k) { return k + (kinds[k] > 1 ? " ×" + kinds[k] : ""); }).join(", ");
    if (years.length) {
      var lo = Math.min.apply(null, years), hi = Math.max.apply(null, years);
      text += " " + (lo === hi ? lo : lo + "–" + hi);
    }
    return text;
  }

  // --- Filters ------------------------------------------------------------------------------------

  /* Whether a link is active in `year` (null: no year filter), as the API's as_of decides: undated
   * links always are; a link appears from its beginning (a transfer from its order); only a
   * component fit ends (with its period): derivations and transfers stay once begun. */
  function activeIn(edge, year) {
    if (year === null) { return true; }
    if (edge.start !== null && edge.start > year) { return false; }
    if (edge.end !== null && edge.relation === "component" && edge.end < year) { return false; }
    return true;
  }

  function edgePasses(edge, view) {
    if (view.hidden[edge.relation] || view.hiddenKinds[edge.relation + "\u0000" + edge.kind]) { return false; }
    if (edge.confidence === null ? !view.unrated : edge.confidence < view.confidence - 1e-9) { return false; }
    return activeIn(edge, view.year);
  }

  /* The nodes reachable from the focus through the links that pass the filters (either way along a
   * link: the API has already kept only the side of the lineage asked for). */
  function reachable(graph, passing) {
    var adj = {}, seen = {}, queue = [graph.system];
    function add(a, b) { (adj[a] = adj[a] || []).push([b]); }
    passing.forEach(function (e) { add(e.source, e.target); add(e.target, e.source); });
    seen[graph.system] = true;
    while (queue.length) {
      var at = queue.shift();
      (adj[at] || []).forEach(function (pair) {
        if (!seen[pair[0]]) { seen[pair[0]] = true; queue.push(pair[0]); }
      });
    }
    return seen;
  }

  // --- The page -----------------------------------------------------------------------------------

  function Explorer(cfg) {
    this.cfg = cfg;
    this.graph = null;
    this.cy = null;
    var params = new URLSearchParams(window.location.search);
    var hide = (params.get("hide") || "").split(",").filter(Boolean);
    this.view = {
      direction: ["up", "down", "both"].indexOf(params.get("direction")) >= 0 ? params.get("direction") : "both",
      year: params.get("year") && isFinite(+params.get("year")) ? +params.get("year") : null,
      confidence: params.get("confidence") && isFinite(+params.get("confidence")) ? Math.min(1, Math.max(0, +params.get("confidence"))) : 0,
      unrated: params.get("unrated") !== "0",
      hidden: {}, hiddenKinds: {},
      colour: params.get("colour") === "type" ? "type" : "country",
      opened: {}, closed: {},                       // groups of the drawing the reader opened or closed
      sort: { column: "year", descending: false }, folded: {}   // the table's order and folded groups
    };
    var self = this;
    hide.forEach(function (r) { self.view.hidden[r] = true; });
  }

  Explorer.prototype.start = function () {
    var self = this;
    document.querySelectorAll('input[name="direction"]').forEach(function (radio) {
      radio.checked = radio.value === self.view.direction;
      radio.addEventListener("change", function () {
        if (radio.checked) { self.view.direction = radio.value; self.load(); }
      });
    });
    var year = $("explorer-year"), conf = $("explorer-confidence"), unrated = $("explorer-unrated"), colour = $("explorer-colour");
    year.addEventListener("input", function () {
      self.view.year = +year.value >= +year.max ? null : +year.value;
      self.apply();
    });
    conf.value = String(this.view.confidence);
    conf.addEventListener("input", function () { self.view.confidence = +conf.value; self.apply(); });
    unrated.checked = this.view.unrated;
    unrated.addEventListener("change", function () { self.view.unrated = unrated.checked; self.apply(); });
    colour.value = this.view.colour;
    colour.addEventListener("change", function () { self.view.colour = colour.value; self.paint(); self.apply(); });
    $("explorer-controls").addEventListener("submit", function (ev) { ev.preventDefault(); });
    this.load();
  };

  Explorer.prototype.load = function () {
    var self = this, url = this.cfg.api + "?direction=" + encodeURIComponent(this.view.direction);
    $("explorer-summary").textContent = "Loading the lineage…";
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) {
          return r.json().catch(function () { return {}; }).then(function (body) {
            throw new Error(body.message || ("the lineage API answered " + r.status));
          });
        }
        return r.json();
      })
      .then(function (data) { self.show(normalize(data)); })
      .catch(function (err) {
        var box = $("explorer-graph");
        box.replaceChildren(el("p", { role: "alert", "class": "explorer-error", text: "Cannot draw the lineage: " + err.message }));
        $("explorer-summary").textContent = "No lineage to show.";
      });
  };

  Explorer.prototype.show = function (graph) {
    var self = this;
    this.graph = graph;
    this.labels = null;
    this.setUpYears();
    this.setUpRelations();
    // parallel links of one relation (seven orders of one fighter) are drawn as one edge, a bundle
    var bundles = {};
    this.bundles = [];
    this.agents = {};
    graph.nodes.forEach(function (n) { if (n.type !== "system") { self.agents[n.iri] = true; } });
    graph.edges.forEach(function (e) {
      var key = e.source + "\u0000" + e.target + "\u0000" + e.relation;
      if (!bundles[key]) {
        bundles[key] = { id: "g" + self.bundles.length, source: e.source, target: e.target, relation: e.relation, members: [] };
        self.bundles.push(bundles[key]);
      }
      bundles[key].members.push(e);
      e.bundle = bundles[key].id;
    });
    var elements = graph.nodes.map(function (n) {
      var second = n.type === "system" ? n.country_label : n.type + (n.country && n.type !== "state" ? " · " + n.country_label : "");
      var width = Math.max(110, 7.2 * Math.max(n.label.length, second.length) + 24);
      return { group: "nodes", data: { id: n.iri, label: n.label + "\n" + second, name: n.label, w: width, fill: "#ffffff",
                                       focus: n.iri === graph.system ? 1 : 0 } };
    }).concat(this.bundles.map(function (g) {
      return { group: "edges", classes: g.relation, data: { id: g.id, source: g.source, target: g.target, label: summary(g.members) } };
    }));
    if (this.cy) { this.cy.destroy(); }
    $("explorer-graph").replaceChildren();
    this.cy = window.cytoscape({
      container: $("explorer-graph"),
      elements: elements,
      minZoom: 0.2, maxZoom: 3,
      boxSelectionEnabled: false,
      style: [
        { selector: "node", style: {
          shape: "round-rectangle", width: "data(w)", height: 44, label: "data(label)", "text-wrap": "wrap",
          "text-valign": "center", "text-halign": "center", "font-size": 12, color: "#1d2430",
          "background-color": "data(fill)", "border-width": 1, "border-color": "#5b6575" } },
        { selector: "node[focus = 1]", style: { "border-width": 3, "border-color": "#8a1c1c", "font-weight": "bold" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#1a4f8b", "overlay-opacity": 0 } },
        { selector: "edge", style: {
          "curve-style": "bezier", "control-point-step-size": 80, "target-arrow-shape": "triangle", width: 2, "line-color": "#1d2430",
          "target-arrow-color": "#1d2430", label: "data(label)", "font-size": 10, color: "#1d2430",
          "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": 2,
          "min-zoomed-font-size": 7 } },
        { selector: "edge.variant", style: { "line-style": "dashed", width: 1.5, "line-color": "#5b6575", "target-arrow-color": "#5b6575" } },
        { selector: "edge.component", style: { "line-style": "dotted", width: 2.5, "line-color": "#1a4f8b", "target-arrow-color": "#1a4f8b" } },
        { selector: "edge.transfer", style: { width: 3.5, "line-color": "#8a1c1c", "target-arrow-color": "#8a1c1c" } },
        { selector: "edge:selected", style: { width: 4, "line-color": "#1a4f8b", "target-arrow-color": "#1a4f8b" } },
        { selector: "node.box", style: {
          shape: "round-rectangle", height: 48, "background-color": "#eef1f5", "border-width": 4, "border-style": "double",
          "border-color": "#5b6575", "font-weight": "bold" } },
        { selector: ".hidden", style: { display: "none" } }
      ],
      layout: { name: "preset" }
    });
    this.laidOut = null;
    this.cy.on("tap", "node", function (ev) {
      if (ev.target.hasClass("box")) { self.openBox(ev.target.data("key")); } else { PANELS.node(self, ev.target.id()); }
    });
    this.cy.on("tap", "edge", function (ev) {
      if (ev.target.hasClass("box-edge")) { PANELS.box(self, ev.target.data("key")); } else { PANELS.bundle(self, ev.target.id()); }
    });
    this.cy.on("dbltap", "node", function (ev) {
      if (!ev.target.hasClass("box")) { window.location.assign(localPath(ev.target.id(), self.cfg)); }
    });
    this.paint();
    this.apply();
    window.dragonbearExplorer = this;
  };

  /* Origins above and descendants below (dagre, bottom to top); a lineage much wider than the
   * box (a fighter sold to many states) is laid out right to left instead, origins on the left. */
  Explorer.prototype.layOut = function () {
    var cy = this.cy, shown = cy.elements().not(".hidden");
    if (!window.cytoscapeDagre) {
      this.orientation = "breadthfirst";
      shown.layout({ name: "breadthfirst", directed: true, roots: [this.graph.system], fit: true, padding: 24 }).run();
    } else {
      this.orientation = "BT";
      shown.layout({ name: "dagre", rankDir: "BT", nodeSep: 40, rankSep: 100, edgeSep: 20, fit: true, padding: 24 }).run();
      var box = shown.boundingBox(), ratio = cy.width() / Math.max(1, cy.height());
      if (box.w / Math.max(1, box.h) > 2 * ratio) {
        this.orientation = "RL";
        shown.layout({ name: "dagre", rankDir: "RL", nodeSep: 16, rankSep: 140, edgeSep: 12, fit: true, padding: 24 }).run();
      }
    }
    if (cy.zoom() > 1.25) { cy.zoom(1.25); cy.center(shown); }
  };

  Explorer.prototype.setUpYears = function () {
    var years = [];
    this.graph.edges.forEach(function (e) {
      [e.start, e.end].forEach(function (y) { if (y !== null) { years.push(y); } });
    });
    var slider = $("explorer-year"), now = new Date().getFullYear();
    var lo = years.length ? Math.min.apply(null, years) - 1 : now - 1, hi = Math.max(now, years.length ? Math.max.apply(null, years) : now);
    slider.min = String(lo);
    slider.max = String(hi + 1);  // the last step: all years, with what has ended
    slider.disabled = years.length === 0;
    if (this.view.year !== null && (this.view.year < lo || this.view.year > hi)) { this.view.year = this.view.year < lo ? lo : null; }
    slider.value = String(this.view.year === null ? hi + 1 : this.view.year);
  };

  Explorer.prototype.setUpRelations = function () {
    var self = this, box = $("explorer-relations"), groups = {};
    this.graph.edges.forEach(function (e) {
      var g = groups[e.relation] = groups[e.relation] || { count: 0, kinds: {} };
      g.count += 1;
      g.kinds[e.kind] = (g.kinds[e.kind] || 0) + 1;
    });
    var order = RELATIONS.concat(Object.keys(groups).filter(function (r) { return RELATIONS.indexOf(r) < 0; }).sort());
    var blocks = order.filter(function (r) { return groups[r]; }).map(function (relation) {
      var main = el("input", { type: "checkbox", "data-relation": relation, id: "explorer-rel-" + relation });
      main.checked = !self.view.hidden[relation];
      main.addEventListener("change", function () { self.view.hidden[relation] = !main.checked; self.apply(); });
      var kinds = Object.keys(groups[relation].kinds).sort().map(function (kind) {
        var key = relation + "\u0000" + kind;
        var box2 = el("input", { type: "checkbox", "data-relation": relation, "data-kind": kind });
        box2.checked = !self.view.hiddenKinds[key];
        box2.addEventListener("change", function () { self.view.hiddenKinds[key] = !box2.checked; self.apply(); });
        return el("li", {}, [el("label", {}, [box2, " " + kind + " (" + groups[relation].kinds[kind] + ")"])]);
      });
      return el("div", { "class": "explorer-relation" }, [
        el("label", { "for": "explorer-rel-" + relation }, [main, " " + (RELATION_TEXT[relation] || relation) + " (" + groups[relation].count + ")"]),
        el("ul", {}, kinds)]);
    });
    box.replaceChildren.apply(box, [el("legend", { text: "Relations" })].concat(
      blocks.length ? blocks : [el("p", { "class": "muted", text: "no links" })]));
  };

  Explorer.prototype.paint = function () {
    var self = this, key = this.view.colour === "type" ? "type" : "country_label", colours = {};
    var values = Array.from(new Set(this.graph.nodes.map(function (n) { return n[key] || "unknown"; }))).sort();
    values.forEach(function (v, i) { colours[v] = FILLS[i % FILLS.length]; });
    this.cy.batch(function () {
      self.graph.nodes.forEach(function (n) { self.cy.getElementById(n.iri).data("fill", colours[n[key] || "unknown"]); });
    });
    $("explorer-legend").replaceChildren.apply($("explorer-legend"), values.map(function (v) {
      return el("li", {}, [el("span", { "class": "swatch", style: "background:" + colours[v] }), " " + v]);
    }));
  };

  Explorer.prototype.visibleEdges = function () {
    var self = this;
    if (!this.graph) { return []; }
    var passing = this.graph.edges.filter(function (e) { return edgePasses(e, self.view); });
    var nodes = reachable(this.graph, passing);
    return passing.filter(function (e) { return nodes[e.source] && nodes[e.target]; });
  };

  /* Draw what passes the filters, with the big groups collapsed (explorer.groups.js), and list it. */
  Explorer.prototype.apply = function () {
    var self = this, shown = this.visibleEdges(), byBundle = {};
    var plan = this.plan = GROUPS.plan(this.graph.system, shown, {
      opened: this.view.opened, closed: this.view.closed,
      isAgent: function (iri) { return !!self.agents[iri]; }, labelOf: function (iri) { return self.label(iri); } });
    shown.forEach(function (e) { if (plan.drawn[e.id]) { (byBundle[e.bundle] = byBundle[e.bundle] || []).push(e); } });
    this.cy.batch(function () {
      self.cy.remove(".box, .box-edge");
      self.bundles.forEach(function (g) {
        var edge = self.cy.getElementById(g.id), members = byBundle[g.id];
        edge.toggleClass("hidden", !members);
        if (members) { edge.data("label", summary(members)); }
      });
      self.cy.nodes().forEach(function (node) { node.toggleClass("hidden", !plan.shown[node.id()]); });
      self.cy.add(self.boxElements(plan.boxes));
    });
    var signature = Object.keys(plan.shown).sort().join(" ") + " | " + plan.boxes.map(function (b) { return b.key; }).join(" ");
    if (signature !== this.laidOut) { this.laidOut = signature; this.layOut(); }
    var yearText = this.view.year === null ? "all years" : "up to " + this.view.year;
    $("explorer-year-value").textContent = yearText;
    $("explorer-year").setAttribute("aria-valuetext", yearText);
    $("explorer-confidence-value").textContent = this.view.confidence.toFixed(2);
    this.renderTable(shown, plan);
    PANELS.groups(this, plan);
    this.remember();
  };

  /* The Cytoscape elements of the collapsed groups: a box with the count, and one edge to the anchor. */
  Explorer.prototype.boxElements = function (boxes) {
    var out = [];
    boxes.forEach(function (g) {
      var id = "box:" + g.key.split("\u0000").join(" | "), name = GROUPS.boxLabel(g), behind = {};
      g.hidden.forEach(function (m) { behind[m] = true; });
      var width = Math.max(110, 7.6 * Math.max(name.length, g.kind.length) + 28);
      out.push({ group: "nodes", classes: "box", data: { id: id, key: g.key, name: name, label: name + "\n" + g.kind,
                                                           w: width, fill: "#eef1f5", focus: 0 } });
      out.push({ group: "edges", classes: g.relation + " box-edge", data: {
        id: id + " edge", key: g.key, source: g.side === "in" ? id : g.anchor, target: g.side === "in" ? g.anchor : id,
        label: summary(g.links.filter(function (e) { return behind[e.source] || behind[e.target]; })) } });
    });
    return out;
  };

  Explorer.prototype.group = function (key) {
    return this.plan ? this.plan.groups.find(function (g) { return g.key === key; }) : null;
  };

  /* Open a collapsed group (a click on its box), and say so in the details. */
  Explorer.prototype.openBox = function (key) {
    delete this.view.closed[key];
    this.view.opened[key] = true;
    this.apply();
    PANELS.box(this, key);
  };

  Explorer.prototype.toggleGroup = function (key) {
    var g = this.group(key);
    if (!g) { return; }
    if (g.collapsed) { delete this.view.closed[key]; this.view.opened[key] = true; } else { delete this.view.opened[key]; this.view.closed[key] = true; }
    this.apply();
  };

  Explorer.prototype.label = function (iri) {
    if (!this.labels) {
      var labels = this.labels = {};
      this.graph.nodes.forEach(function (n) { labels[n.iri] = n.label; });
    }
    return this.labels[iri] || iri;
  };

  /* For the details panel (explorer.details.js): paths of an IRI, and the years of a link as text. */
  Explorer.prototype.pathOf = function (iri) { return localPath(iri, this.cfg); };
  Explorer.prototype.explorePathOf = function (iri) { return explorePath(iri, this.cfg); };
  Explorer.prototype.when = when;
  Explorer.prototype.relationText = function (relation) { return RELATION_TEXT[relation] || relation; };

  Explorer.prototype.link = function (iri, text) {
    return el("a", { href: localPath(iri, this.cfg), title: iri, text: text || this.label(iri) });
  };

  Explorer.prototype.sourceLinks = function (edge) {
    var self = this;
    if (!edge.sources.length) { return [el("span", { "class": "muted", text: "—" })]; }
    var out = [];
    edge.sources.forEach(function (s, i) {
      if (i) { out.push("; "); }
      out.push(s.iri ? self.link(s.iri, s.label || s.iri) : (s.label || ""));
      if (s.locator) { out.push(el("span", { "class": "muted", text: " (" + s.locator + ")" })); }
    });
    return out;
  };

  Explorer.prototype.renderTable = function (shown, plan) {
    var self = this, state = { sort: this.view.sort, folded: this.view.folded, changed: function () { self.renderTable(shown, plan); } };
    TABLE.render($("explorer-edges"), shown, {
      label: function (iri) { return self.label(iri); }, link: function (iri, text) { return self.link(iri, text); },
      sourceLinks: function (e) { return self.sourceLinks(e); }, when: when, drawn: plan.drawn }, state);
    var total = this.graph.edges.length, systems = this.graph.nodes.length, drawn = Object.keys(plan.drawn).length;
    var nodes = {};
    nodes[this.graph.system] = true;
    shown.forEach(function (e) { nodes[e.source] = true; nodes[e.target] = true; });
    $("explorer-summary").textContent = "Showing " + shown.length + " of " + total + " links between " + Object.keys(nodes).length +
      " of " + systems + " entities" + (this.view.year === null ? "" : " as of " + this.view.year) + "." +
      (drawn < shown.length ? " " + drawn + " are drawn; the other " + (shown.length - drawn) + " are in the " + plan.boxes.length +
       " collapsed groups of the drawing (boxes with a count)." : "");
  };

  Explorer.prototype.remember = function () {
    var p = new URLSearchParams();
    var v = this.view;
    if (v.direction !== "both") { p.set("direction", v.direction); }
    if (v.year !== null) { p.set("year", String(v.year)); }
    if (v.confidence > 0) { p.set("confidence", v.confidence.toFixed(2)); }
    if (!v.unrated) { p.set("unrated", "0"); }
    var hidden = Object.keys(v.hidden).filter(function (k) { return v.hidden[k]; });
    if (hidden.length) { p.set("hide", hidden.join(",")); }
    if (v.colour !== "country") { p.set("colour", v.colour); }
    var query = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  };

  function main() {
    var node = $("explorer-config");
    var cfg = node ? JSON.parse(node.textContent) : null;
    if (!cfg) { return; }
    if (!window.cytoscape) {
      $("explorer-graph").replaceChildren(el("p", { role: "alert", text: "Cytoscape.js did not load." }));
      return;
    }
    new Explorer(cfg).start();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", main); } else { main(); }
})();
