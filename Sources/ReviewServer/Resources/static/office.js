// The print view's "In trang này" button; everything else works without script.
document.querySelectorAll(".print-button").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// On narrow screens the tables show one card per row (office.css): each cell without a data-label gets its
// column's header text, so that the card names every value.
document.querySelectorAll("main table").forEach(function (table) {
  var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  if (!head) return;
  var names = [];
  Array.prototype.forEach.call(head.cells, function (cell) {
    var text = cell.textContent.trim().replace(/\s+/g, " ");
    for (var i = 0; i < (cell.colSpan || 1); i++) names.push(text);
  });
  Array.prototype.forEach.call(table.tBodies, function (body) {
    Array.prototype.forEach.call(body.rows, function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label") && names[column]) cell.setAttribute("data-label", names[column]);
        column += cell.colSpan || 1;
      });
    });
  });
});
