// The idle lock (SYS.LOCK): after the policy's idle limit without keyboard or mouse, the page is
// covered and the session locked on the server; the password reopens it in place, so nothing
// typed into the page is lost. While the person types, the server is told now and then, so a
// long form does not count as idle.
(function () {
  "use strict";
  const body = document.body;
  const idleSeconds = Number(body.dataset.idleSeconds || 0);
  if (!idleSeconds) return;
  // the CSRF cookie is HttpOnly; the page carries the token instead
  const csrf = () => (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  const overlay = document.getElementById("lock-overlay");
  const form = document.getElementById("lock-form");
  const error = document.getElementById("lock-error");
  let lastInput = Date.now();
  let lastReport = Date.now();
  let locked = false;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: new URLSearchParams(data || {}),
      credentials: "same-origin",
    });
  }

  function lock(reason) {
    if (locked) return;
    locked = true;
    overlay.hidden = false;
    form.elements.password.value = "";
    form.elements.password.focus();
    post(body.dataset.lockUrl, { reason: reason });
  }

  function activity() {
    if (locked) return;
    lastInput = Date.now();
    if (Date.now() - lastReport > 60000) {
      lastReport = Date.now();
      post(body.dataset.activityUrl).then((r) => { if (r.status === 423) lock("server"); });
    }
  }

  ["keydown", "mousedown", "mousemove", "wheel", "touchstart", "input"].forEach((type) =>
    document.addEventListener(type, activity, { passive: true, capture: true }));

  setInterval(() => {
    if (!locked && Date.now() - lastInput > idleSeconds * 1000) lock("idle");
  }, 1000);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    post(body.dataset.unlockUrl, { password: form.elements.password.value }).then((r) => {
      if (r.ok) {
        locked = false;
        overlay.hidden = true;
        error.hidden = true;
        lastInput = lastReport = Date.now();
      } else {
        error.hidden = false;
        form.elements.password.value = "";
      }
    });
  });

  // a request refused because the session locked on the server (htmx)
  document.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.status === 423) lock("server");
  });
})();
