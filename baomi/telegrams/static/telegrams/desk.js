// The duty desk's clocks: each running clock counts down every second from the deadline the
// server gives (data-deadline, milliseconds since the epoch), coloured by its urgency; a receipt
// (回单) about to be missed raises the alarm banner and, once the person has switched sound on
// and touched the page (browsers start audio only after a gesture), beeps. The clocks and the
// telegrams are asked for again every half minute, so a new telegram appears; not while the
// person is typing into them, nor while the session is locked.
(function () {
  "use strict";
  const SOUND_KEY = "baomi.duty.sound";
  const REPEAT_MS = 20000; // a receipt in danger beeps again this often
  const live = document.getElementById("duty-live");
  if (!live) return;
  // the server's clock, not the browser's: the deadlines are the server's
  const skew = Number(live.dataset.now) - Date.now();
  const now = () => Date.now() + skew;
  const alarm = document.querySelector("[data-duty-alarm]");
  const soundButton = document.querySelector("button[data-duty-sound]");
  let audio = null; // an AudioContext, made only in answer to a gesture
  let soundWanted = false;
  const heard = new Map(); // clock key → { urgency, beepedAt }

  function format(name, values) {
    return (live.dataset[name] || "").replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
  }

  function span(seconds) {
    const days = Math.floor(seconds / 86400);
    let rest = seconds % 86400;
    const hours = Math.floor(rest / 3600);
    rest %= 3600;
    const two = (n) => String(n).padStart(2, "0");
    const clock = (hours ? hours + ":" : "") + two(Math.floor(rest / 60)) + ":" + two(rest % 60);
    return days ? format("formatDays", { days: days, time: clock }) : clock;
  }

  function urgencyOf(row, leftMs) {
    if (leftMs <= Number(row.dataset.dangerSeconds) * 1000) return "danger";
    if (leftMs <= Number(row.dataset.warnSeconds) * 1000) return "warning";
    return "calm";
  }

  function paint(row, urgency, leftMs) {
    const seconds = Math.floor(leftMs / 1000);
    const badge = row.querySelector("[data-countdown]");
    badge.textContent = seconds < 0
      ? format("formatOver", { time: span(-seconds) })
      : format("formatLeft", { time: span(seconds) });
    if (row.dataset.urgency === urgency && badge.dataset.painted) return;
    badge.dataset.painted = "1";
    ["calm", "warning", "danger"].forEach((u) => {
      const cls = live.dataset["badge" + u[0].toUpperCase() + u.slice(1)];
      badge.classList.toggle(cls, u === urgency);
      const rowCls = live.dataset["row" + u[0].toUpperCase() + u.slice(1)];
      if (rowCls) row.classList.toggle(rowCls, u === urgency);
    });
    row.dataset.urgency = urgency;
  }

  function beep(times) {
    if (!audio || audio.state !== "running") return;
    let at = audio.currentTime + 0.02;
    for (let i = 0; i < times; i += 1) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.3);
      at += 0.4;
    }
    if (alarm) alarm.dataset.beeps = String(Number(alarm.dataset.beeps || 0) + 1);
  }

  function tick() {
    const moment = now();
    const pressing = [];
    live.querySelectorAll("tr[data-deadline]").forEach((row) => {
      const leftMs = Number(row.dataset.deadline) - moment;
      const urgency = urgencyOf(row, leftMs);
      paint(row, urgency, leftMs);
      if (row.dataset.clock !== "ack" || urgency === "calm") return;
      const key = row.dataset.telegram;
      pressing.push({ row: row, urgency: urgency });
      const before = heard.get(key) || { urgency: "calm", beepedAt: 0 };
      if (before.urgency !== urgency) {
        beep(urgency === "danger" ? 3 : 2);
        heard.set(key, { urgency: urgency, beepedAt: moment });
      } else if (urgency === "danger" && moment - before.beepedAt >= REPEAT_MS) {
        beep(3);
        heard.set(key, { urgency: urgency, beepedAt: moment });
      }
    });
    showAlarm(pressing);
  }

  function showAlarm(pressing) {
    if (!alarm) return;
    alarm.hidden = pressing.length === 0;
    const danger = pressing.some((p) => p.urgency === "danger");
    alarm.classList.toggle("alert-danger", danger);
    alarm.classList.toggle("alert-warning", !danger);
    const list = alarm.querySelector("[data-duty-alarm-list]");
    const lines = pressing.map((p) =>
      p.row.dataset.number + ": " + p.row.querySelector("[data-countdown]").textContent);
    if (list.dataset.lines !== lines.join("\n")) {
      list.dataset.lines = lines.join("\n");
      list.replaceChildren(...lines.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }));
    }
  }

  // -- sound: the person's choice is kept; the browser lets it start only after a gesture --

  function labelSound() {
    if (!soundButton) return;
    const armed = audio && audio.state === "running";
    const name = !soundWanted ? "labelOff" : armed ? "labelOn" : "labelArmed";
    soundButton.querySelector("[data-duty-sound-label]").textContent = soundButton.dataset[name];
    soundButton.setAttribute("aria-pressed", soundWanted ? "true" : "false");
    soundButton.classList.toggle("btn-outline-secondary", !soundWanted);
    soundButton.classList.toggle("btn-success", soundWanted);
    document.body.dataset.dutySoundState = !soundWanted ? "off" : armed ? "on" : "waiting";
  }

  function arm() {
    // called only from a gesture's handler, which is when a browser lets audio start
    if (!soundWanted) return;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().then(labelSound, labelSound);
    labelSound();
  }

  function remember(wanted) {
    soundWanted = wanted;
    try {
      window.localStorage.setItem(SOUND_KEY, wanted ? "on" : "off");
    } catch (_e) { /* storage refused: the choice lasts this page */ }
  }

  if (soundButton) {
    try {
      soundWanted = window.localStorage.getItem(SOUND_KEY) === "on";
    } catch (_e) { soundWanted = false; }
    soundButton.addEventListener("click", (event) => {
      event.stopPropagation();
      remember(!soundWanted);
      if (soundWanted) {
        arm();
        if (audio) audio.resume().then(() => { labelSound(); beep(1); }, labelSound);
      } else if (audio) {
        audio.close();
        audio = null;
      }
      labelSound();
    });
    ["pointerdown", "keydown"].forEach((type) =>
      document.addEventListener(type, () => { if (!audio || audio.state !== "running") arm(); },
        { capture: true }));
    labelSound();
  }

  // -- the refresh --------------------------------------------------------------------------

  function busy() {
    const overlay = document.getElementById("lock-overlay");
    if (overlay && !overlay.hidden) return true;
    if (live.contains(document.activeElement) && document.activeElement.matches("input, select, textarea")) return true;
    return Array.from(live.querySelectorAll("input[type=text], input:not([type]), textarea"))
      .some((field) => field.value !== "");
  }

  function refresh() {
    if (busy()) return;
    fetch(window.location.pathname, {
      headers: { "HX-Request": "true", "X-Baomi-Refresh": "1", "Accept": "text/html" },
      credentials: "same-origin",
    }).then((response) => {
      if (!response.ok || response.redirected) return null;
      return response.text();
    }).then((html) => {
      if (!html || busy()) return;
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("duty-live");
      if (!fresh) return;
      live.replaceChildren(...fresh.childNodes);
      tick();
    }).catch(() => { /* the next refresh tries again */ });
  }

  tick();
  window.setInterval(tick, 1000);
  const every = Number(live.dataset.refreshSeconds || 0);
  if (every > 0) window.setInterval(refresh, every * 1000);
})();
