// The person filter of the audit log: suggestions from the server as the auditor types a name.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input) return;
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var asked = "";
  function fill(results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    results.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.label;
      list.appendChild(option);
    });
  }
  function ask() {
    var text = input.value.trim();
    if (!text || text === asked) return;
    asked = text;
    fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : { people: [] }; })
      .then(function (data) { if (input.value.trim() === text) fill(data.people || []); })
      .catch(function () { fill([]); });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
})();
