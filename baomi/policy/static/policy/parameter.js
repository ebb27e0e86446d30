// A list parameter is edited one entry per row: add a row from the template, remove a row.
(function () {
  "use strict";
  function wire(box) {
    var list = box.querySelector("[data-row-list]");
    var template = box.querySelector("template[data-row-template]");
    var add = box.querySelector("[data-add-row]");
    if (!list || !template || !add) return;
    add.addEventListener("click", function () {
      var row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      var input = row.querySelector("input");
      if (input) input.focus();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) return;
      var row = button.closest("[data-row]");
      if (!row) return;
      if (list.querySelectorAll("[data-row]").length > 1) {
        row.remove();
      } else {
        var input = row.querySelector("input");
        if (input) input.value = "";
      }
    });
  }
  document.querySelectorAll("[data-rows]").forEach(wire);
})();
