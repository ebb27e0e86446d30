// The workbench's desk: the people pickers (suggestions as one types a name, user name or
// pinyin initials) and where the cursor goes after each answer swapped in by htmx. Everything
// is delegated from the document, since htmx replaces the desk after each scan and action.
(function () {
  "use strict";

  const SPLIT = /[\s,，、;；]+/;
  const WAIT_MS = 150;
  let timer = null;

  function parts(field) {
    // a list field (readers, couriers) picks its last name; a single one the whole text
    const picker = field.closest("[data-people-picker]");
    if (!picker.hasAttribute("data-multiple")) return { before: "", typed: field.value.trim() };
    const text = field.value;
    const cut = Math.max(...[" ", ",", "，", "、", ";", "；"].map((s) => text.lastIndexOf(s)));
    return { before: text.slice(0, cut + 1), typed: text.slice(cut + 1).trim() };
  }

  function menuOf(field) {
    return field.closest("[data-people-picker]").querySelector("[role=listbox]");
  }

  function close(field) {
    const menu = menuOf(field);
    menu.hidden = true;
    menu.classList.remove("show");
    menu.replaceChildren();
    field.setAttribute("aria-expanded", "false");
  }

  function show(field, results) {
    const menu = menuOf(field);
    menu.replaceChildren();
    if (!results.length) {
      close(field);
      return;
    }
    results.forEach((person, index) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "dropdown-item" + (index === 0 ? " active" : "");
      item.setAttribute("role", "option");
      item.dataset.value = person.value;
      const name = document.createElement("span");
      name.textContent = person.name;
      const detail = document.createElement("span");
      detail.className = "text-secondary ms-2";
      detail.textContent = [person.username, person.department].filter(Boolean).join(" · ");
      item.append(name, detail);
      menu.append(item);
    });
    menu.hidden = false;
    menu.classList.add("show");
    field.setAttribute("aria-expanded", "true");
  }

  function pick(field, item) {
    const { before } = parts(field);
    const multiple = field.closest("[data-people-picker]").hasAttribute("data-multiple");
    field.value = before + item.dataset.value + (multiple ? "、" : "");
    close(field);
    field.focus();
  }

  async function suggest(field) {
    const { typed } = parts(field);
    if (!typed) {
      close(field);
      return;
    }
    const base = field.closest("[data-people-picker]").dataset.url;
    const url = base + (base.includes("?") ? "&" : "?") + "q=" + encodeURIComponent(typed);
    const answer = await fetch(url, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const body = await answer.json();
    // only the answer to what is typed now
    if (parts(field).typed === typed) show(field, body.people || []);
  }

  function pickerField(target) {
    return target instanceof HTMLInputElement && target.closest("[data-people-picker]")
      ? target
      : null;
  }

  document.addEventListener("input", (event) => {
    const field = pickerField(event.target);
    if (!field) return;
    clearTimeout(timer);
    timer = setTimeout(() => suggest(field), WAIT_MS);
  });

  document.addEventListener("keydown", (event) => {
    const field = pickerField(event.target);
    if (!field) return;
    const menu = menuOf(field);
    if (menu.hidden) return;
    const items = Array.from(menu.querySelectorAll(".dropdown-item"));
    const at = items.findIndex((i) => i.classList.contains("active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach((i, n) => i.classList.toggle("active", n === next));
    } else if (event.key === "Enter" && at >= 0) {
      event.preventDefault(); // a pick, not the form's submission
      pick(field, items[at]);
    } else if (event.key === "Escape") {
      close(field);
    }
  });

  document.addEventListener("click", (event) => {
    const item = event.target.closest("[data-people-picker] .dropdown-item");
    if (item) {
      pick(item.closest("[data-people-picker]").querySelector("input"), item);
      return;
    }
    document.querySelectorAll("[data-people-picker] [role=listbox]:not([hidden])").forEach((m) => {
      if (!m.parentElement.contains(event.target)) close(m.parentElement.querySelector("input"));
    });
  });

  // after an answer: the first field in error, else the scan field for the next label
  document.addEventListener("htmx:afterSettle", (event) => {
    const swapped = event.detail.elt;
    if (!swapped || !swapped.querySelector) return;
    const wrong = swapped.querySelector(".is-invalid");
    const scan = document.getElementById("scan-code");
    if (wrong) wrong.focus();
    else if (scan && swapped.contains(scan)) scan.focus();
  });
})();
