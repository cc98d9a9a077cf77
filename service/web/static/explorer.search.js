/* The search box of the lineage explorer (/explore and /explore/{id}): as the reader types, the
 * systems the name may denote, from /api/resolve, each linking to its explorer. The form works
 * without this script (GET /explore?q=NAME).
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  // the one element builder of the explorer's scripts (they load after this one, in order)
  window.dragonbearEl = el;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setUpSearch(cfg) {
    var input = document.getElementById("explorer-q"), list = document.getElementById("explorer-suggestions");
    if (!input || !list) { return; }
    var systemType = "https://w3id.org/dragonbear/ontology#SystemModel";
    var base = (cfg && cfg.systemBase) || "https://w3id.org/dragonbear/id/system/";
    var asked = 0;
    input.addEventListener("input", debounce(function () {
      var text = input.value.trim(), ticket = ++asked;
      if (!text) { list.replaceChildren(); return; }
      fetch("/api/resolve?limit=20&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { candidates: [] }; })
        .then(function (data) {
          if (ticket !== asked) { return; }
          var items = (data.candidates || []).filter(function (c) {
            return (c.types || []).indexOf(systemType) >= 0 && c.iri.indexOf(base) === 0;
          }).map(function (c) {
            var href = "/explore/" + encodeURIComponent(c.iri.slice(base.length));
            return el("li", {}, [el("a", { href: href, text: c.label }),
                                 el("span", { "class": "muted", text: " (" + (c.matched || "") + ")" })]);
          });
          list.replaceChildren.apply(list, items.length ? items : [el("li", { "class": "muted", text: "no system by that name" })]);
        })
        .catch(function () { list.replaceChildren(); });
    }, 150));
  }

  function main() {
    var node = document.getElementById("explorer-config");
    setUpSearch(node ? JSON.parse(node.textContent) : null);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", main); } else { main(); }
})();
