// The registration form: the marking composed from level, period form and value with a live
// preview (机密★10年), a marking typed, scanned or pasted whole read back into those parts, and
// the cabinet list narrowed to the cabinets that may hold the level (DOC.STORE). The server
// parses and checks the marking's text either way; this only spares the clerk a wrong choice.
(function () {
  "use strict";

  const form = document.querySelector("form[data-registration]");
  if (!form) return;
  const composer = form.querySelector("[data-marking-composer]");
  const names = JSON.parse(composer.dataset.levelNames); // level value → Chinese name
  const field = (name) => form.elements.namedItem(name);
  const level = field("level");
  const periodForm = field("period_form");
  const periodValue = field("period_value");
  const marking = field("marking");
  const cabinet = field("cabinet");
  const preview = composer.querySelector("#marking-preview");
  const CLASSIFIED = 2; // 秘密 and above carry a marking and go into secure cabinets
  const STAR = "★";

  function classified() {
    return level.value !== "" && Number(level.value) >= CLASSIFIED;
  }

  function canonicalDate(text) {
    const m = /^(\d{4})[-.\/年](\d{1,2})[-.\/月](\d{1,2})日?$/.exec(text);
    return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : "";
  }

  // the marking the parts spell, as the server writes it; "" when they spell none yet
  function composed() {
    if (!classified()) return "";
    const zh = names[level.value];
    const value = periodValue.value.trim();
    switch (periodForm.value) {
      case "unmarked":
        return zh;
      case "long_term":
        return `${zh}${STAR}长期`;
      case "years":
        return /^\d+$/.test(value) ? `${zh}${STAR}${Number(value)}年` : "";
      case "months":
        return /^\d+$/.test(value) ? `${zh}${STAR}${Number(value)}个月` : "";
      case "until_date":
        return canonicalDate(value) ? `${zh}${STAR}${canonicalDate(value)}` : "";
      case "until_event":
        return value ? `${zh}${STAR}${value}` : "";
      default:
        return "";
    }
  }

  // a marking typed whole, read into level, form and value (the server's parser decides)
  function readTyped(text) {
    const normal = text.normalize("NFKC").replace(/\s+/g, "").replace(/[☆*]/g, STAR);
    const found = Object.entries(names).find(([, zh]) => normal.startsWith(zh));
    if (!found) return;
    level.value = found[0];
    const rest = normal.slice(found[1].length);
    if (!rest) {
      periodForm.value = Number(found[0]) >= CLASSIFIED ? "unmarked" : periodForm.value;
      periodValue.value = "";
      return;
    }
    const tail = rest.startsWith(STAR) ? rest.slice(1) : rest;
    let m;
    if ((m = /^(\d+)年$/.exec(tail))) {
      periodForm.value = "years";
      periodValue.value = m[1];
    } else if ((m = /^(\d+)个?月$/.exec(tail))) {
      periodForm.value = "months";
      periodValue.value = m[1];
    } else if (canonicalDate(tail)) {
      periodForm.value = "until_date";
      periodValue.value = canonicalDate(tail);
    } else if (tail === "长期") {
      periodForm.value = "long_term";
      periodValue.value = "";
    } else {
      periodForm.value = "until_event";
      periodValue.value = tail;
    }
  }

  function showPeriod() {
    const shown = classified();
    composer.querySelectorAll("[data-period]").forEach((part) => (part.hidden = !shown));
    const noValue = periodForm.value === "long_term" || periodForm.value === "unmarked";
    periodValue.disabled = noValue;
    periodValue.inputMode = ["years", "months"].includes(periodForm.value) ? "numeric" : "text";
  }

  function showPreview() {
    const row = preview.closest("[data-preview-row]");
    row.hidden = false;
    const text = composed() || marking.value.trim();
    preview.textContent = text || (level.value !== "" && !classified() ? names[level.value] : "—");
  }

  // only the cabinets that may hold the level; all of them while it is not chosen
  function narrowCabinets() {
    if (!cabinet) return;
    const known = level.value !== "";
    const wanted = classified() ? "1" : "0";
    cabinet.querySelectorAll("option[data-classified]").forEach((option) => {
      const fits = !known || option.dataset.classified === wanted;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    cabinet.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = !group.querySelector("option:not([disabled])");
    });
    const chosen = cabinet.selectedOptions[0];
    if (chosen && chosen.disabled) {
      const first = cabinet.querySelector("option[data-classified]:not([disabled])");
      cabinet.value = first ? first.value : "";
    }
  }

  function refresh() {
    showPeriod();
    showPreview();
    narrowCabinets();
  }

  // the parts changed: the marking field follows them
  function composeIntoMarking() {
    marking.value = composed();
    refresh();
  }

  [level, periodForm, periodValue].forEach((part) => {
    part.addEventListener("input", composeIntoMarking);
    part.addEventListener("change", composeIntoMarking);
  });
  marking.addEventListener("input", () => {
    readTyped(marking.value);
    refresh();
  });
  if (marking.value.trim()) readTyped(marking.value);
  refresh();
})();
