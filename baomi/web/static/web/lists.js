// The list page: a header checkbox picks or unpicks every row of the page for a bulk action, and
// a bulk button stays disabled until a row is picked.
(function () {
  "use strict";
  document.querySelectorAll("form[data-bulk]").forEach(function (form) {
    const all = form.querySelector("input[data-pick-all]");
    const picks = Array.from(form.querySelectorAll("input[name=pick]"));
    const buttons = Array.from(form.querySelectorAll("button[data-bulk-action]"));
    function update() {
      const any = picks.some(function (p) { return p.checked; });
      buttons.forEach(function (b) { b.disabled = !any; });
      if (all) {
        all.checked = picks.length > 0 && picks.every(function (p) { return p.checked; });
      }
    }
    if (all) {
      all.addEventListener("change", function () {
        picks.forEach(function (p) { p.checked = all.checked; });
        update();
      });
    }
    picks.forEach(function (p) { p.addEventListener("change", update); });
    update();
  });
})();
