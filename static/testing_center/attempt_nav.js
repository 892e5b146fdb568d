/* The test page's navigation (Moodle's quiz navigation is the model): the question panel
   with each question's answered / flagged / current state, "flag for review" (saved on
   the server, kept on the device while offline), one question per page with Previous and
   Next, and keyboard shortcuts that never act while the candidate types in an answer.
   Needs attempt.js (window.tcPaper), which owns the answers and their autosave. */
(function () {
  "use strict";

  var paper = window.tcPaper;
  if (!paper) return;
  var form = paper.form;
  var flagUrl = form.dataset.flagUrl;
  var onePerPage = form.dataset.layout === "one";
  var items = Array.prototype.slice.call(form.querySelectorAll(".tc-item"));
  if (!items.length) return;
  var positions = items.map(function (f) { return f.dataset.position; });
  var pager = document.getElementById("tc-pager");
  var prevButton = document.getElementById("tc-prev");
  var nextButton = document.getElementById("tc-next");
  var where = document.getElementById("tc-where");
  var current = null;

  function navOf(position) { return document.getElementById("tc-nav-" + position); }
  function show(el, visible) { if (el) el.hidden = !visible; }

  // --- The panel -----------------------------------------------------------------------

  function refreshItem(fieldset) {
    var link = navOf(fieldset.dataset.position);
    if (!link) return;
    var answered = paper.isAnswered(paper.readAnswer(fieldset));
    var flagged = fieldset.dataset.flagged === "1";
    link.classList.toggle("tc-answered", answered);
    link.classList.toggle("tc-flagged", flagged);
    show(link.querySelector(".tc-mark-answered"), answered);
    show(link.querySelector(".tc-mark-unanswered"), !answered);
    show(link.querySelector(".tc-mark-flagged"), flagged);
  }
  function refreshAll() { items.forEach(refreshItem); }

  form.addEventListener("tc:answers", refreshAll);
  form.addEventListener("change", function (e) {
    var fieldset = e.target.closest(".tc-item");
    if (fieldset) refreshItem(fieldset);
  });
  form.addEventListener("input", function (e) {
    var fieldset = e.target.closest(".tc-item");
    if (fieldset) refreshItem(fieldset);
  });

  // --- Moving between questions --------------------------------------------------------

  function setCurrent(position) {
    if (current === position) return;
    current = position;
    positions.forEach(function (p) {
      var link = navOf(p);
      if (!link) return;
      var here = p === position;
      link.classList.toggle("tc-current", here);
      if (here) link.setAttribute("aria-current", "step"); else link.removeAttribute("aria-current");
      show(link.querySelector(".tc-mark-current"), here);
    });
    if (onePerPage) {
      items.forEach(function (f) { f.hidden = f.dataset.position !== position; });
      form.querySelectorAll(".tc-section-group").forEach(function (group) {
        group.hidden = !group.querySelector('.tc-item[data-position="' + position + '"]');
      });
      var index = positions.indexOf(position);
      prevButton.disabled = index === 0;
      nextButton.disabled = index === positions.length - 1;
      where.textContent = where.dataset.template
        .replace("%(n)s", String(index + 1)).replace("%(total)s", String(positions.length));
    }
  }

  function goTo(position, focus) {
    if (positions.indexOf(position) === -1) return;
    // The answer being typed is saved before the question leaves the screen.
    if (current !== null && current !== position) paper.flushTyping(current);
    setCurrent(position);
    var fieldset = paper.itemOf(position);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#item-" + position);
    }
    if (focus) {
      fieldset.focus({ preventScroll: true });
    }
    fieldset.scrollIntoView({ block: "start" });
  }

  function step(delta) {
    var index = positions.indexOf(current === null ? positions[0] : current);
    var next = positions[index + delta];
    if (next !== undefined) goTo(next, true);
  }

  document.getElementById("tc-nav").addEventListener("click", function (e) {
    var link = e.target.closest(".tc-nav-q");
    if (!link) return;
    e.preventDefault();
    goTo(link.dataset.position, true);
  });

  // In one page of all questions, the current question is the one being worked on.
  form.addEventListener("focusin", function (e) {
    var fieldset = e.target.closest(".tc-item");
    if (fieldset) setCurrent(fieldset.dataset.position);
  });

  if (onePerPage) {
    pager.hidden = false;
    prevButton.addEventListener("click", function () { step(-1); });
    nextButton.addEventListener("click", function () { step(1); });
  }

  // --- Flags ---------------------------------------------------------------------------

  var pendingFlags = {};
  try { pendingFlags = JSON.parse(window.localStorage.getItem(paper.flagKey) || "{}"); } catch (e) { pendingFlags = {}; }
  var flagsInFlight = {};

  function storeFlags() {
    try { window.localStorage.setItem(paper.flagKey, JSON.stringify(pendingFlags)); } catch (e) { /* private mode */ }
  }

  function showFlag(position, flagged) {
    var fieldset = paper.itemOf(position);
    if (!fieldset) return;
    fieldset.dataset.flagged = flagged ? "1" : "0";
    var button = fieldset.querySelector(".tc-flag");
    button.setAttribute("aria-pressed", flagged ? "true" : "false");
    show(button.querySelector(".tc-flag-on"), flagged);
    refreshItem(fieldset);
  }

  function sendFlag(position) {
    if (flagsInFlight[position] || pendingFlags[position] === undefined) return;
    var flagged = pendingFlags[position];
    var body = new URLSearchParams();
    body.set("position", position);
    body.set("flagged", flagged ? "1" : "0");
    flagsInFlight[position] = true;
    fetch(flagUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": paper.csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      flagsInFlight[position] = false;
      if (pendingFlags[position] === flagged) {
        delete pendingFlags[position];
        storeFlags();
      }
      if (result.status === 409) {
        paper.setStatus("refused");
        window.setTimeout(function () { window.location.reload(); }, 1500);
        return;
      }
      if (!result.data.ok) { paper.setStatus("refused"); return; }
      if (pendingFlags[position] !== undefined) { sendFlag(position); return; }
      if (!Object.keys(pendingFlags).length) paper.settled();
    }).catch(function () {
      flagsInFlight[position] = false;
      paper.setStatus("offline");
    });
  }

  function toggleFlag(position) {
    var fieldset = paper.itemOf(position);
    if (!fieldset) return;
    var flagged = fieldset.dataset.flagged !== "1";
    showFlag(position, flagged);
    pendingFlags[position] = flagged;
    storeFlags();
    sendFlag(position);
  }

  items.forEach(function (fieldset) {
    var button = fieldset.querySelector(".tc-flag");
    button.hidden = false;
    button.addEventListener("click", function () { toggleFlag(fieldset.dataset.position); });
  });
  // Flags set on this device but not yet confirmed (a dropped connection, a reload).
  Object.keys(pendingFlags).forEach(function (position) {
    if (!paper.itemOf(position)) { delete pendingFlags[position]; return; }
    showFlag(position, pendingFlags[position]);
  });
  storeFlags();
  function retryFlags() { Object.keys(pendingFlags).forEach(sendFlag); }
  retryFlags();
  window.setInterval(retryFlags, 3000);
  window.addEventListener("online", retryFlags);

  // --- Keyboard shortcuts --------------------------------------------------------------

  function typing(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    if (target.tagName !== "INPUT") return false;
    return ["radio", "checkbox", "button", "submit", "hidden"].indexOf(target.type) === -1;
  }

  function choose(number) {
    var fieldset = paper.itemOf(current === null ? positions[0] : current);
    if (!fieldset) return;
    var inputs = fieldset.querySelectorAll("input[type=radio], input[type=checkbox]");
    var input = inputs[number - 1];
    if (!input) return;
    // A click is what a person's choice is: it fires "change", which autosaves.
    if (input.type === "radio" && input.checked) return;
    input.click();
    input.focus();
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target)) return;
    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === "n") { step(1); } else if (key === "p") { step(-1); } else if (key === "f") {
      toggleFlag(current === null ? positions[0] : current);
    } else if (key >= "1" && key <= "9") {
      choose(Number(key));
    } else if (key >= "a" && key <= "d") {
      choose(key.charCodeAt(0) - 96);
    } else {
      return;
    }
    e.preventDefault();
  });

  // --- Start ---------------------------------------------------------------------------

  refreshAll();
  var fromHash = (window.location.hash.match(/^#item-(\d+)$/) || [])[1];
  if (fromHash && positions.indexOf(fromHash) !== -1) {
    goTo(fromHash, true);
  } else {
    setCurrent(positions[0]);
  }
})();
