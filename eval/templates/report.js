// Small progressive enhancements; the report reads fine without them.
(function () {
  "use strict";
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  });
  var filter = document.getElementById("failure-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var needle = filter.value.toLowerCase();
      document.querySelectorAll("#failures tbody tr").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  }
  // Each article's legend counts the highlights actually drawn, so a reader (and the browser
  // test) can check them against the JSON report.
  document.querySelectorAll(".article").forEach(function (article) {
    article.querySelectorAll("[data-drawn]").forEach(function (cell) {
      var prefix = cell.dataset.drawn + "/";
      var items = new Set();
      article.querySelectorAll("." + cell.dataset.side + " mark[data-item]").forEach(function (m) {
        m.dataset.item.split(" ").forEach(function (id) {
          if (id.indexOf(prefix) === 0) { items.add(id); }
        });
      });
      cell.textContent = String(items.size);
    });
  });
  document.body.dataset.js = "ready";
})();
