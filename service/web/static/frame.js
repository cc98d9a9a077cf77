/* Dragonbear: the page frame's small script (every page loads it; nothing from another origin).

   Every table of the page's main content sits in a wrapper (div.table-wrap) that scrolls sideways
   when the table is wider than the page: the server wraps the tables it writes, this wraps any other.
   A wrapper that does scroll becomes a focusable region named after its table (so that a keyboard
   user can scroll it with the arrow keys); one that fits the page stays out of the Tab order. */
(function () {
  "use strict";
  var main = document.querySelector("main");
  if (!main) { return; }

  function wrap(table) {
    if (table.parentElement && table.parentElement.classList.contains("table-wrap")) { return; }
    if (table.closest(".yasgui")) { return; }  // YASGUI's own results keep their own scrolling
    var box = document.createElement("div");
    box.className = "table-wrap";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  }

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var name = "Table";  // else the nearest heading (or summary) before the table
    main.querySelectorAll("h1, h2, h3, h4, summary").forEach(function (h) {
      if (h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) { name = h.textContent.trim(); }
    });
    return name;
  }

  function mark() {
    main.querySelectorAll(".table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + " (scrolls sideways)");
      } else if (!scrolls && box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  main.querySelectorAll("table").forEach(wrap);
  mark();
  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 100); }
  window.addEventListener("resize", later);
  if (window.ResizeObserver) {  // a table that grows (rows drawn by a script, a <details> opened)
    var watch = new ResizeObserver(later);
    main.querySelectorAll(".table-wrap > table").forEach(function (t) { watch.observe(t); });
  }
  window.DragonbearFrame = { mark: mark };
})();
