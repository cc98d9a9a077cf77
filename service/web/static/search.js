/* Dragonbear: suggestions for the site's search box, from /api/search on this server.

   The box is an ARIA combobox (WAI-ARIA 1.2, list autocomplete): as one types, up to eight entities
   whose names match appear below it; ArrowDown and ArrowUp move through them, Enter opens the one
   chosen (its page under /id/), Escape closes the list (a second Escape empties the box), and Enter
   with none chosen searches (/search). Nothing is loaded from another origin. */
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-search-list");
  var status = document.getElementById("site-search-status");
  if (!input || !list || !status || !window.fetch) { return; }
  var results = [];
  var active = -1;
  var timer = null;
  var asked = 0;
  var shown = null;

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open() {
    if (!results.length) { return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function choose(index) {
    var all = options();
    for (var i = 0; i < all.length; i++) { all[i].setAttribute("aria-selected", i === index ? "true" : "false"); }
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function go(index) {
    if (results[index]) { window.location.assign(results[index].path); }
  }

  function line(text, className) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function render(found, query) {
    results = found;
    shown = query;
    list.textContent = "";
    found.forEach(function (hit, i) {
      var item = document.createElement("li");
      item.id = "site-search-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.appendChild(line(hit.label, "label"));
      item.appendChild(line(hit.kind_title, "kind"));
      if (hit.matched && hit.matched !== hit.label) { item.appendChild(line(hit.matched, "matched")); }
      item.addEventListener("mousedown", function (event) { event.preventDefault(); go(i); });
      list.appendChild(item);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (found.length) {
      status.textContent = found.length + (found.length === 1 ? " suggestion" : " suggestions") +
        "; arrow keys to choose, Enter to open.";
      open();
    } else {
      status.textContent = query ? "No suggestions; press Enter to search." : "";
      close();
    }
  }

  function suggest() {
    var query = input.value.trim();
    if (query === shown) { open(); return; }
    // one letter of a Latin script says little; one Chinese character is a syllable
    if (!query || (query.length < 2 && /^[\x00-\x7f]$/.test(query))) { render([], ""); return; }
    var mine = ++asked;
    fetch("/api/search?limit=8&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (mine === asked) { render(data.results || [], query); } })
      .catch(function () { if (mine === asked) { render([], query); } });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 150);
  });

  input.addEventListener("keydown", function (event) {
    var count = results.length;
    if (event.key === "ArrowDown" || event.key === "Down") {
      if (!count) { return; }
      event.preventDefault();
      if (list.hidden) { open(); }
      choose(active + 1 >= count ? 0 : active + 1);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (!count) { return; }
      event.preventDefault();
      if (list.hidden) { open(); }
      choose(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) { event.preventDefault(); go(active); }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        render([], "");
      }
    }
  });

  input.addEventListener("blur", function () { close(); });
  input.addEventListener("focus", function () { if (input.value.trim() === shown) { open(); } });
})();
