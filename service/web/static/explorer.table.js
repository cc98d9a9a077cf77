/* The explorer's table of links: every link that passes the filters, drawn or in a collapsed group,
 * grouped by relation and kind (a header row with the count, which folds the group), and sorted by
 * the column the reader picks (year first by default). A link that is not drawn (its group is a box
 * in the drawing) has the class "undrawn".
 *
 * window.DragonbearLinkTable.render(table, links, helpers, state) fills <table>; `state` holds the
 * sort ({column, descending}) and the folded groups ({key: true}) and is changed in place by the
 * reader's clicks, after which state.changed() is called.
 */
(function () {
  "use strict";

  var ORDER = { derivation: 0, variant: 1, component: 2, transfer: 3 };
  var RELATION_NAMES = { derivation: "derivation", variant: "variant", component: "component fit", transfer: "transfer" };
  var COLUMNS = ["from", "relation", "how", "to", "year", "confidence", "sources"];

  var el = window.dragonbearEl;  // explorer.search.js

  function sortValue(e, column, h) {
    switch (column) {
      case "from": return h.label(e.source).toLowerCase();
      case "to": return h.label(e.target).toLowerCase();
      case "relation": return e.relation;
      case "how": return e.kind;
      case "confidence": return e.confidence === null ? -1 : e.confidence;
      case "sources": return e.sources.length;
      default: return e.start === null ? 9999 : e.start;
    }
  }

  function compare(column, descending, h) {
    return function (a, b) {
      var x = sortValue(a, column, h), y = sortValue(b, column, h);
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (descending) { c = -c; }
      return c || ((a.start === null ? 9999 : a.start) - (b.start === null ? 9999 : b.start)) ||
        h.label(a.source).localeCompare(h.label(b.source)) || a.kind.localeCompare(b.kind);
    };
  }

  function setUpHeader(table, state) {
    table.querySelectorAll("thead th[data-column]").forEach(function (th) {
      var column = th.getAttribute("data-column");
      th.setAttribute("aria-sort", state.sort.column === column ? (state.sort.descending ? "descending" : "ascending") : "none");
      if (th.querySelector("button")) { return; }
      var button = el("button", { type: "button", "class": "explorer-sort", text: th.textContent,
                                  title: "sort by " + th.textContent });
      button.addEventListener("click", function () {
        var s = state.sort;
        s.descending = s.column === column ? !s.descending : false;
        s.column = column;
        state.changed();
      });
      th.replaceChildren(button);
    });
  }

  /* One <tbody> per relation and kind: a header row with the counts, then the links. */
  function render(table, links, h, state) {
    setUpHeader(table, state);
    var groups = {}, keys = [];
    links.forEach(function (e) {
      var key = e.relation + "\u0000" + e.kind;
      if (!groups[key]) { groups[key] = []; keys.push(key); }
      groups[key].push(e);
    });
    keys.sort(function (a, b) {
      var ga = groups[a][0], gb = groups[b][0];
      return ((ORDER[ga.relation] === undefined ? 9 : ORDER[ga.relation]) - (ORDER[gb.relation] === undefined ? 9 : ORDER[gb.relation])) ||
        ga.relation.localeCompare(gb.relation) || ga.kind.localeCompare(gb.kind);
    });
    var bodies = keys.map(function (key) {
      var members = groups[key].slice().sort(compare(state.sort.column, state.sort.descending, h));
      var first = members[0], folded = !!state.folded[key];
      var undrawn = members.filter(function (e) { return !h.drawn[e.id]; }).length;
      var toggle = el("button", { type: "button", "class": "explorer-fold", "aria-expanded": String(!folded) }, [
        (RELATION_NAMES[first.relation] || first.relation) + " · " + first.kind]);
      toggle.addEventListener("click", function () {
        if (state.folded[key]) { delete state.folded[key]; } else { state.folded[key] = true; }
        state.changed();
      });
      var count = el("span", { "class": "count", text: " (" + members.length + (members.length === 1 ? " link" : " links") +
        (undrawn ? ", " + undrawn + " in a collapsed group of the drawing" : "") + ")" });
      var head = el("tr", { "class": "explorer-group-head" }, [el("th", { colspan: String(COLUMNS.length), scope: "rowgroup" }, [toggle, count])]);
      var rows = members.map(function (e) {
        var row = el("tr", { "data-edge": e.id, "data-relation": e.relation, "class": h.drawn[e.id] ? "" : "undrawn" }, [
          el("td", {}, [h.link(e.source)]), el("td", { text: e.relation }),
          el("td", {}, [e.kind_iri ? h.link(e.kind_iri, e.kind) : e.kind]),
          el("td", {}, [h.link(e.target)]), el("td", { text: h.when(e) }),
          el("td", { text: e.confidence === null ? "not recorded" : e.confidence.toFixed(2) }),
          el("td", {}, h.sourceLinks(e))]);
        if (folded) { row.hidden = true; }
        if (!h.drawn[e.id]) { row.title = "not drawn: in a collapsed group of the drawing"; }
        return row;
      });
      return el("tbody", { "data-group": key, "data-count": String(members.length) }, [head].concat(rows));
    });
    table.querySelectorAll("tbody").forEach(function (b) { b.remove(); });
    bodies.forEach(function (b) { table.appendChild(b); });
  }

  window.DragonbearLinkTable = { render: render, columns: COLUMNS };
})();
