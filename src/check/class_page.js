// netlab check --class --report: a click on a heading sorts the table by that column (a
// second click, the other way); a click on a mark opens its transcript and the sections
// that fold it. Without scripts the page still reads: the marks are links.
(function () {
  "use strict";
  var table = document.getElementById("class");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function key(row, col) {
    return row.cells[col].getAttribute("data-key");
  }

  // Rows sorted by one column: names as the class's language orders them, numbers as
  // numbers (a scenario's column holds each mark's rank: failures first); a tie by name.
  function sortBy(col, ascending) {
    var text = heads[col].getAttribute("data-sort") === "text";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var order = text ? x.localeCompare(y) : Number(x) - Number(y);
      if (!ascending) order = -order;
      return order || key(a, 0).localeCompare(key(b, 0));
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  heads.forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      sortBy(col, ascending);
    });
  });

  // A transcript opens with every fold around it, then comes into view.
  function open(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView({ block: "start" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) open(link.getAttribute("href"));
  });
  window.addEventListener("hashchange", function () { open(location.hash); });
  open(location.hash);
})();
