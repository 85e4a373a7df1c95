// Small enhancements of the matrix page; it reads fine without them.
(function () {
  "use strict";
  // Click a column header to sort that table by it (numbers numerically), again to reverse.
  document.querySelectorAll("table.sortable").forEach(function (tbl) {
    tbl.querySelectorAll("thead th").forEach(function (th, col) {
      th.addEventListener("click", function () {
        var body = tbl.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var down = th.dataset.sorted !== "down";
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = x.dataset.value !== undefined ? parseFloat(x.dataset.value) : NaN;
          var vy = y.dataset.value !== undefined ? parseFloat(y.dataset.value) : NaN;
          var order = isNaN(vx) || isNaN(vy)
            ? x.textContent.localeCompare(y.textContent) : vx - vy;
          return down ? -order : order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        th.dataset.sorted = down ? "down" : "up";
      });
    });
  });
  // How many points the browser laid out inside the plot: the browser test checks it against
  // the number of cells.
  var svg = document.getElementById("scatter");
  var drawn = document.getElementById("points-drawn");
  if (svg && drawn) {
    var box = svg.getBoundingClientRect();
    var inside = 0;
    svg.querySelectorAll("circle[data-point]").forEach(function (dot) {
      var r = dot.getBoundingClientRect();
      if (r.width > 0 && r.left >= box.left && r.right <= box.right &&
          r.top >= box.top && r.bottom <= box.bottom) { inside += 1; }
    });
    drawn.textContent = String(inside);
  }
  document.body.dataset.js = "ready";
})();
