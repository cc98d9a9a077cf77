/* The query page: YASGUI on the server's endpoint, set up for this project.
 *
 * - Share links restore the query and the view (populateFromUrl): a link made with YASGUI's share
 *   button opens a tab with that query, endpoint and result view.
 * - The editor knows the prefixes the server predeclares, so `dgb:` without a PREFIX line is not
 *   marked as an error; it completes prefixes, classes and properties from lists the server put in
 *   the page (never from prefix.cc or LOV: no request leaves the server's origin).
 * - Escape leaves the editor for its run button, so that Tab does not trap keyboard users.
 * - Result IRIs in the project's namespace link to this server's pages; IRIs of other schemes than
 *   http(s) (javascript:, data:) link nowhere.
 * - YASGUI's own controls are mended for assistive technology as it draws them (6): names for its
 *   unnamed inputs, tabs that point only at panels that exist, the editor's scrolling area reachable,
 *   the "add a tab" button moved out of the tab list (a tab list holds tabs only), and Delete closes
 *   the tab that has the focus.
 */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("dragonbear-config").textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var Yasqe = Yasgui.Yasqe;

  // 1. predeclared prefixes: the tokenizer's state starts with them
  var base = Yasqe.getMode({}, "sparql11");
  Yasqe.extendMode("sparql11", {
    startState: function () {
      var state = base.startState.apply(this, arguments);
      var own = {};
      Object.keys(cfg.prefixes).forEach(function (p) { own[p] = cfg.prefixes[p]; });
      state.prefixes = own;
      return state;
    }
  });

  // 2. completion from the server's own lists
  function expand(name) {
    var i = name.indexOf(":");
    return i > 0 && cfg.prefixes[name.slice(0, i)] ? cfg.prefixes[name.slice(0, i)] + name.slice(i + 1) : name;
  }
  function local(builtin, name, items) {
    var completer = Object.assign({}, Yasqe.Autocompleters[builtin], {
      name: name,
      bulk: true,
      autoShow: false,
      persistenceId: null,
      get: function () { return items.map(expand); }
    });
    delete completer.onInitialize;
    Yasqe.registerAutocompleter(completer, false);
  }
  local("prefixes", "dragonbear-prefixes", []);
  Yasqe.Autocompleters["dragonbear-prefixes"].get = function () {
    return Object.keys(cfg.prefixes).sort().map(function (p) { return p + ": <" + cfg.prefixes[p] + ">"; });
  };
  local("class", "dragonbear-classes", cfg.classes);
  local("property", "dragonbear-properties", cfg.properties);
  var completers = ["dragonbear-prefixes", "dragonbear-classes", "dragonbear-properties", "variables"];

  // 3. the editor (YASGUI takes a shared link's query from the URL, then clears it)
  var shared = /[?&#]query=/.test(window.location.search + window.location.hash);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    persistenceId: null,
    populateFromUrl: true,
    autofocus: false,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: completers, value: cfg.defaultQuery }
  });
  var first = yasgui.getTab();
  if (first && !shared) { first.setQuery(cfg.defaultQuery); first.setName("Query"); }
  cfg.examples.forEach(function (ex) {
    yasgui.addTab(false, { name: ex.name, yasqe: { value: ex.query }, requestConfig: { endpoint: endpoint } });
  });

  // 4. keyboard: Escape leaves the editor for its run button; Tab then moves on as anywhere else
  function setUp(tab) {
    var yasqe = tab && tab.getYasqe && tab.getYasqe();
    if (!yasqe || yasqe.dragonbearKeys) { return; }
    yasqe.dragonbearKeys = true;
    yasqe.addKeyMap({
      Esc: function (cm) {
        var button = cm.getWrapperElement().parentNode.querySelector(".yasqe_queryButton");
        if (button) { button.focus(); } else { cm.getInputField().blur(); }
      }
    });
    var input = yasqe.getInputField();
    input.setAttribute("aria-label", "SPARQL query editor (press Escape, then Tab, to leave it)");
  }
  setUp(yasgui.getTab());
  yasgui.on("tabSelect", function (y, id) { setTimeout(function () { setUp(yasgui.getTab(id)); }, 0); });
  yasgui.on("tabAdd", function (y, id) { setTimeout(function () { setUp(yasgui.getTab(id)); }, 0); });

  // 5. result IRIs of the project link to this server's pages; an IRI of a scheme other than http(s)
  // (javascript:, data:...), which a result may hold, links nowhere
  var ns = cfg.localNamespace;
  function relink(root) {
    root.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !/^https?:/i.test(href)) { a.removeAttribute("href"); }
    });
    root.querySelectorAll("a[href^='" + ns + "']").forEach(function (a) {
      var iri = a.getAttribute("href");
      var path = iri.indexOf(cfg.idNamespace) === 0 ? "/id/" + iri.slice(cfg.idNamespace.length)
        : iri.indexOf(cfg.ontologyNamespace) === 0 ? "/ontology" + iri.slice(cfg.ontologyIri.length) : null;
      if (path) { a.setAttribute("href", path); a.setAttribute("title", iri); a.removeAttribute("target"); }
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.querySelectorAll) { relink(n); } }); });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // 6. accessibility of YASGUI's own controls, kept as it redraws them
  var root = document.getElementById("yasgui");
  function name(selector, label) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (!el.hasAttribute("aria-label")) { el.setAttribute("aria-label", label); }
    });
  }
  function mend() {
    name("input.autocomplete", "SPARQL endpoint");
    name(".tabsList [role=tab] input", "Tab name");
    root.querySelectorAll(".tabsList [role=tab]:not([aria-keyshortcuts])").forEach(function (tab) {
      tab.setAttribute("aria-keyshortcuts", "Delete");  // closes it
    });
    name(".yasr select", "Rows per page");
    name(".yasr input[type=search], .yasr .dataTables_filter input", "Filter the results");
    root.querySelectorAll("[role=tab][aria-controls], [role=tab][data-controls]").forEach(function (tab) {
      var id = tab.getAttribute("aria-controls") || tab.getAttribute("data-controls");
      tab.setAttribute("data-controls", id);
      if (document.getElementById(id)) { tab.setAttribute("aria-controls", id); } else { tab.removeAttribute("aria-controls"); }
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (scroll) {
      if (scroll.dataset.dragonbear) { return; }
      scroll.dataset.dragonbear = "1";
      scroll.setAttribute("tabindex", "0");  // focusable, and focus goes on into the editor
      scroll.addEventListener("focus", function (event) {
        if (event.target === scroll) { scroll.closest(".CodeMirror").CodeMirror.focus(); }
      });
    });
    var add = root.querySelector(".tabsList .addTab");
    var ours = document.getElementById("dragonbear-new-tab");
    if (add && !ours) {
      add.parentNode.hidden = true;
      ours = document.createElement("button");
      ours.type = "button";
      ours.id = "dragonbear-new-tab";
      ours.className = "dragonbear-new-tab";
      ours.textContent = "+ New tab";
      ours.addEventListener("click", function () { add.click(); });
      var list = root.querySelector(".tabsList");
      list.parentNode.insertBefore(ours, list.nextSibling);
    }
  }
  // a tab closes with Delete, as its close mark (for the mouse only) does
  root.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest(".tabsList [role=tab]");
    var close = tab && tab.querySelector(".closeTab");
    if (event.key === "Delete" && close) { event.preventDefault(); close.click(); }
  });
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () { pending = false; mend(); });
  }).observe(root, { childList: true, subtree: true });
  mend();

  window.dragonbearYasgui = yasgui;
})();
