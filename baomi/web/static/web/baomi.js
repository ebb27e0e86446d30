// Page behaviour that would otherwise sit in inline handlers, which the Content-Security-Policy
// forbids: elements ask for it with data- attributes.
(function () {
  "use strict";
  // a choice that takes effect at once, such as the language switch
  document.addEventListener("change", (event) => {
    const field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.requestSubmit();
  });
  // a print button on a printable sheet
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
