/* The test page and its review screen: countdown (announced to screen readers at 10, 5
   and 1 minutes left), autosave of every answer, resume after a dropped connection, and
   integrity events (time per item, focus lost, paste) — recorded, never punishing.
   The server owns the clock and the answers; this file only reports to it. The question
   panel, flags, pages and keyboard shortcuts are in attempt_nav.js (window.tcPaper). */
(function () {
  "use strict";

  var form = document.getElementById("tc-paper");
  // The form that hands the paper in: the paper itself, or the review screen's.
  var handInForm = form || document.getElementById("tc-handin");
  if (!handInForm) return;
  var clock = document.getElementById("tc-clock");
  var announcer = document.getElementById("tc-announce");
  var statusEl = document.getElementById("tc-status");
  var answeredEl = document.getElementById("tc-answered");
  var csrf = handInForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var storeKey = "tc-attempt-" + handInForm.dataset.attempt;
  var flagKey = "tc-flags-" + handInForm.dataset.attempt;
  var submitting = false;

  // Handing in: by the candidate (on the review screen) or by the clock (on either page).
  function forgetDevice() {
    try {
      window.localStorage.removeItem(storeKey);
      window.localStorage.removeItem(flagKey);
    } catch (e) { /* ignore */ }
  }
  var beforeHandIn = function () {};
  function handIn(reason) {
    if (submitting) return;
    submitting = true;
    beforeHandIn();
    handInForm.querySelector("input[name=reason]").value = reason;
    forgetDevice();
    HTMLFormElement.prototype.submit.call(handInForm);
  }

  // The clock: ticks every quarter second, speaks politely only at 10, 5 and 1 minutes.
  var end = Date.now() + Number(clock.dataset.remainingMs);
  var THRESHOLDS = [10, 5, 1];
  var announced = {};
  var startLeft = Math.ceil(Number(clock.dataset.remainingMs) / 1000);
  THRESHOLDS.forEach(function (m) {
    // Already past when the page opened: nothing to announce (a reload is not news).
    if (startLeft < m * 60 - 5) announced[m] = true;
  });
  function announce(text) {
    if (announcer && text) announcer.textContent = text;
  }
  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    clock.classList.toggle("tc-low", left <= 60);
    THRESHOLDS.forEach(function (m) {
      if (!announced[m] && left <= m * 60 && left > 0) {
        THRESHOLDS.forEach(function (k) { if (k >= m) announced[k] = true; });
        announce(announcer && announcer.getAttribute("data-left-" + m));
      }
    });
    if (Date.now() >= end + 500) {
      // Half a second past the server's deadline, so the server agrees time is up.
      announce(announcer && announcer.dataset.timeUp);
      handIn("timer");
      return;
    }
    window.setTimeout(tick, 250);
  }

  if (!form) {
    // The review screen: handing in here forgets what the device kept for this paper.
    handInForm.addEventListener("submit", function () { submitting = true; forgetDevice(); });
    tick();
    return;
  }
  var saveUrl = form.dataset.saveUrl;
  var eventsUrl = form.dataset.eventsUrl;
  var pending = {};       // position -> {answer, changed_at}
  var inFlight = {};      // position -> true
  var events = [];
  var lastStamp = 0;

  // Changes are stamped with the server's clock (sent with the page) advanced by the
  // browser's monotonic clock: a device whose clock is wrong or jumps stamps correctly, and
  // the server refuses stamps far in its future (they would block every later save).
  var serverNow = Number(form.dataset.serverNowMs || 0);
  var loadedAt = window.performance ? window.performance.now() : 0;
  function clockMs() {
    if (!serverNow || !window.performance) return Date.now();
    return Math.round(serverNow + window.performance.now() - loadedAt);
  }
  var MAX_EVENTS_PER_POST = 100;

  function stamp() {
    var now = clockMs();
    lastStamp = now > lastStamp ? now : lastStamp + 1;
    return lastStamp;
  }

  function loadStore() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function saveStore() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }

  function setStatus(kind) {
    statusEl.classList.remove("tc-offline", "tc-refused");
    if (kind === "offline" || kind === "refused") statusEl.classList.add("tc-" + kind);
    statusEl.textContent = statusEl.dataset[kind === "other" ? "otherTab" : kind];
    statusEl.dataset.state = kind;
  }

  function itemOf(position) { return document.getElementById("item-" + position); }

  function readAnswer(fieldset) {
    var kind = fieldset.dataset.kind;
    if (kind === "multiple") {
      return Array.prototype.map.call(fieldset.querySelectorAll("input[type=checkbox]:checked"),
        function (i) { return i.value; });
    }
    if (kind === "single" || kind === "likert") {
      var checked = fieldset.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    var text = fieldset.querySelector("input[type=text], textarea");
    return text.value;
  }

  function writeAnswer(fieldset, answer) {
    var kind = fieldset.dataset.kind;
    if (kind === "multiple" || kind === "single" || kind === "likert") {
      var chosen = Array.isArray(answer) ? answer : (answer ? [answer] : []);
      fieldset.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (i) {
        i.checked = chosen.indexOf(i.value) !== -1;
      });
    } else {
      fieldset.querySelector("input[type=text], textarea").value = answer || "";
    }
    countWords(fieldset);
  }

  function isAnswered(answer) {
    if (Array.isArray(answer)) return answer.length > 0;
    return typeof answer === "string" ? answer.trim() !== "" : !!answer;
  }

  function countAnswered() {
    var n = 0;
    form.querySelectorAll(".tc-item").forEach(function (f) {
      if (isAnswered(readAnswer(f))) n += 1;
    });
    if (answeredEl) answeredEl.textContent = String(n);
    form.dispatchEvent(new CustomEvent("tc:answers"));
  }

  function countWords(fieldset) {
    var area = fieldset.querySelector("textarea");
    var counter = fieldset.querySelector(".tc-words");
    if (area && counter) {
      var words = area.value.trim() ? area.value.trim().split(/\s+/).length : 0;
      counter.textContent = String(words);
    }
  }

  function itemState(fieldset, text, refused) {
    var el = fieldset.querySelector(".tc-item-state");
    el.textContent = text;
    el.classList.toggle("tc-refused", !!refused);
  }

  function queue(fieldset) {
    var position = fieldset.dataset.position;
    pending[position] = { answer: readAnswer(fieldset), changed_at: stamp() };
    saveStore();
    countAnswered();
    send(position);
  }

  function send(position) {
    if (inFlight[position] || !pending[position]) return;
    var change = pending[position];
    var body = new URLSearchParams();
    body.set("position", position);
    body.set("answer", JSON.stringify(change.answer));
    body.set("changed_at", String(change.changed_at));
    inFlight[position] = true;
    setStatus("saving");
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight[position] = false;
      var fieldset = itemOf(position);
      var data = result.data;
      if (pending[position] && pending[position].changed_at === change.changed_at) {
        delete pending[position];
        saveStore();
      }
      if (result.status === 409) {
        itemState(fieldset, data.error, true);
        setStatus("refused");
        statusEl.textContent = data.error;
        window.setTimeout(function () { window.location.reload(); }, 1500);
        return;
      }
      if (!data.ok) {
        itemState(fieldset, data.error, true);
        setStatus("refused");
        return;
      }
      fieldset.dataset.version = data.version;
      fieldset.dataset.changedAt = data.changed_at;
      if (!data.saved && data.changed_at > change.changed_at && !pending[position]) {
        writeAnswer(fieldset, data.answer);
        itemState(fieldset, statusEl.dataset.otherTab, false);
        countAnswered();
      } else {
        itemState(fieldset, statusEl.dataset.saved + " · v" + data.version, false);
      }
      if (pending[position]) { send(position); return; }
      if (!Object.keys(pending).length) setStatus("saved");
    }).catch(function () {
      inFlight[position] = false;
      setStatus("offline");
    });
  }

  function retryAll() {
    Object.keys(pending).forEach(send);
  }

  // Resume: answers changed here but never confirmed by the server are sent again, unless
  // the server already holds something newer.
  var stored = loadStore();
  Object.keys(stored).forEach(function (position) {
    var fieldset = itemOf(position);
    if (!fieldset) return;
    if (stored[position].changed_at > Number(fieldset.dataset.changedAt || 0)) {
      pending[position] = stored[position];
      if (pending[position].changed_at > clockMs()) {
        // Stamped by a clock ahead of the server's: stamp it again, now.
        pending[position].changed_at = stamp();
      }
      lastStamp = Math.max(lastStamp, pending[position].changed_at);
      writeAnswer(fieldset, stored[position].answer);
    }
  });
  saveStore();
  retryAll();
  window.setInterval(retryAll, 3000);
  window.addEventListener("online", retryAll);

  var timers = {};
  // Typing is saved 0.6 s after the last key; moving to another question saves it now.
  function flushTyping(position) {
    if (timers[position] === undefined) return;
    window.clearTimeout(timers[position]);
    delete timers[position];
    var fieldset = itemOf(position);
    if (fieldset) queue(fieldset);
  }
  form.addEventListener("change", function (e) {
    var fieldset = e.target.closest(".tc-item");
    if (!fieldset || e.target.type === "text" || e.target.tagName === "TEXTAREA") return;
    queue(fieldset);
  });
  form.addEventListener("input", function (e) {
    var fieldset = e.target.closest(".tc-item");
    if (!fieldset || (e.target.type !== "text" && e.target.tagName !== "TEXTAREA")) return;
    countWords(fieldset);
    var position = fieldset.dataset.position;
    window.clearTimeout(timers[position]);
    timers[position] = window.setTimeout(function () { delete timers[position]; queue(fieldset); }, 600);
  });

  // Integrity events: time on each item, leaving the window, pasting.
  var current = null;
  var currentSince = 0;
  function leaveItem() {
    if (current !== null) {
      events.push({ kind: "item_time", position: Number(current), ms: Date.now() - currentSince });
      current = null;
    }
  }
  form.addEventListener("focusin", function (e) {
    var fieldset = e.target.closest(".tc-item");
    var position = fieldset ? fieldset.dataset.position : null;
    if (position === current) return;
    leaveItem();
    if (position !== null) { current = position; currentSince = Date.now(); }
  });
  form.addEventListener("paste", function (e) {
    var fieldset = e.target.closest(".tc-item");
    events.push({ kind: "paste", position: fieldset ? Number(fieldset.dataset.position) : null, ms: 0 });
  });
  var hiddenSince = 0;
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      hiddenSince = Date.now();
      leaveItem();
    } else if (hiddenSince) {
      events.push({ kind: "focus_lost", position: null, ms: Date.now() - hiddenSince });
      hiddenSince = 0;
    }
  });
  function flushEvents(keepalive) {
    if (!events.length) return;
    var body = new URLSearchParams();
    body.set("events", JSON.stringify(events.splice(0, MAX_EVENTS_PER_POST)));
    body.set("csrfmiddlewaretoken", csrf);
    fetch(eventsUrl, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "X-CSRFToken": csrf }
    }).catch(function () { /* events are best effort */ });
  }
  window.setInterval(function () { flushEvents(false); }, 15000);
  window.addEventListener("pagehide", function () { leaveItem(); flushEvents(true); });

  // The paper's own button goes to the review screen (posting the answers, which are saved
  // there); the device keeps its unconfirmed answers until the paper is handed in.
  beforeHandIn = function () { leaveItem(); flushEvents(true); };
  form.addEventListener("submit", function () {
    Object.keys(timers).forEach(flushTyping);
    leaveItem();
    flushEvents(true);
  });

  window.tcPaper = {
    csrf: csrf,
    form: form,
    itemOf: itemOf,
    readAnswer: readAnswer,
    isAnswered: isAnswered,
    flushTyping: flushTyping,
    setStatus: setStatus,
    // After a flag reached the server: "saved" again unless answers still wait.
    settled: function () { if (!Object.keys(pending).length) setStatus("saved"); },
    flagKey: flagKey
  };
  tick();
  countAnswered();
})();
