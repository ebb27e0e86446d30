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
  // an object page's tabs: the open tab is in the address, so a reload, a link or the page
  // shown again after an action in that tab opens it (a redirect keeps the form's #fragment)
  const tabLink = (id) => document.querySelector(`[data-bs-toggle="tab"][href="#${CSS.escape(id)}"]`);
  document.addEventListener("click", (event) => {
    const link = event.target.closest('[data-bs-toggle="tab"][href^="#tab-"]');
    if (link) history.replaceState(null, "", link.getAttribute("href"));
  });
  document.addEventListener("submit", (event) => {
    const pane = event.target.closest(".tab-pane[id]");
    const action = event.target.getAttribute("action");
    if (pane && action && !action.includes("#") && tabLink(pane.id)) {
      event.target.setAttribute("action", `${action}#${pane.id}`);
    }
  });
  window.addEventListener("DOMContentLoaded", () => {
    const id = window.location.hash.slice(1);
    if (id.startsWith("tab-")) tabLink(id)?.click();
  });
})();
