/* Dragonbear: suggestions from /api/search on this server, for the site's search box and for every
   input marked data-suggest (the entity fields of the canned-query forms).

   Each is an ARIA combobox (WAI-ARIA 1.2, list autocomplete): as one types, up to eight entities
   whose names match appear below it; ArrowDown and ArrowUp move through them, Escape closes the list
   (a second Escape empties the box). In the site's search box Enter opens the one chosen (its page
   under /id/) and Enter with none chosen searches (/search). In a form field (data-suggest="entity",
   data-class="dgb:Agent" to keep the entities of a class) Enter or a click fills the field with the
   one chosen (its name where that names it alone, else its IRI: what the form's resolver takes) and
   stays on the page; Enter with none chosen sends the form. Nothing is loaded from another origin. */
(function () {
  "use strict";
  if (!window.fetch) { return; }

  function line(text, className) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  /* Make `input` a combobox over `list` (a listbox) and `status` (a live region); `pick(hit)` runs
     when a suggestion is chosen (true when it filled the input), `extra` is added to the search URL,
     `verb` says what Enter does. */
  function combobox(input, list, status, pick, extra, verb) {
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var shown = null;
    var prefix = list.id.replace(/-list$/, "") + "-option-";

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
      var hit = results[index];
      if (!hit) { return; }
      if (pick(hit)) {  // a form field now holds the value: no list until one types again
        results = [];
        shown = input.value.trim();
        list.textContent = "";
        status.textContent = hit.label + " chosen.";
        close();
      }
    }

    function render(found, query) {
      results = found;
      shown = query;
      list.textContent = "";
      found.forEach(function (hit, i) {
        var item = document.createElement("li");
        item.id = prefix + i;
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
          "; arrow keys to choose, Enter to " + verb.choose + ".";
        open();
      } else {
        status.textContent = query ? "No suggestions; " + verb.none : "";
        close();
      }
    }

    function suggest() {
      var query = input.value.trim();
      if (query === shown) { open(); return; }
      // one letter of a Latin script says little; one Chinese character is a syllable
      if (!query || (query.length < 2 && /^[\x00-\x7f]$/.test(query))) { render([], ""); return; }
      var mine = ++asked;
      fetch("/api/search?limit=8&q=" + encodeURIComponent(query) + extra, { headers: { Accept: "application/json" } })
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
  }

  /* The site's search box: its list and status are in the page; a choice opens the entity's page. */
  var box = document.getElementById("site-search");
  var boxList = document.getElementById("site-search-list");
  var boxStatus = document.getElementById("site-search-status");
  if (box && boxList && boxStatus) {
    combobox(box, boxList, boxStatus, function (hit) { window.location.assign(hit.path); return false; }, "",
      { choose: "open", none: "press Enter to search." });
  }

  /* A form field: its list and status are made here, and a choice fills it. */
  function field(input, n) {
    if (!input.id) { input.id = "suggest-field-" + n; }
    var wrap = document.createElement("div");
    wrap.className = "combo";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    var cls = input.getAttribute("data-class");
    combobox(input, list, status, function (hit) { input.value = hit.value || hit.iri; return true; },
      cls ? "&class=" + encodeURIComponent(cls) : "", { choose: "fill in the field", none: "the text is sent as it is." });
  }

  var fields = document.querySelectorAll("input[data-suggest]");
  for (var i = 0; i < fields.length; i++) { field(fields[i], i); }
})();
