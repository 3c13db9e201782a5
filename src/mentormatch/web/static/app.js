// Small improvements only: every page works without this file.
(function () {
  "use strict";
  // The intake's crisis box: shown at once, at the top, when "Yes, I am in danger" is
  // ticked (the server shows it too when the form is sent without this file).
  var crisis = document.getElementById("crisis-first");
  var crisisTitle = document.getElementById("crisis-title");
  var inDanger = document.getElementById("in_crisis-yes");
  function showCrisis() {
    crisis.hidden = false;
    window.scrollTo(0, 0);
    crisisTitle.focus({ preventScroll: true });
  }
  if (crisis && inDanger) {
    var answers = document.querySelectorAll("input[name=in_crisis]");
    for (var k = 0; k < answers.length; k++) {
      answers[k].addEventListener("change", function () {
        if (inDanger.checked) { showCrisis(); } else { crisis.hidden = true; }
      });
    }
  }
  // After a failed submit, move focus to the error summary so screen readers announce it,
  // unless the crisis box is showing: it comes first.
  var summary = document.getElementById("error-summary");
  if (crisis && !crisis.hidden) { crisisTitle.focus(); } else if (summary) { summary.focus(); }
  // Preselect the browser's time zone in the intake form when it is one we offer.
  var tz = document.getElementById("timezone");
  if (tz && !tz.value && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (var i = 0; i < tz.options.length; i++) {
      if (tz.options[i].value === zone) { tz.value = zone; break; }
    }
  }
  // The "contacted" form: "closes the case" follows the outcome (ticked for "Reached
  // them"); the coordinator can still change it before sending.
  var handled = document.getElementById("handled");
  var outcomes = document.querySelectorAll("input[name=outcome]");
  for (var o = 0; o < outcomes.length && handled; o++) {
    outcomes[o].addEventListener("change", function (event) {
      handled.checked = event.target.value === "reached";
    });
  }
  // Long work (a whole-pool proposal): the form says so, in a live region, until the next
  // page arrives.
  var busy = document.querySelectorAll("form[data-busy]");
  for (var b = 0; b < busy.length; b++) {
    busy[b].addEventListener("submit", function (event) {
      var form = event.currentTarget;
      var status = form.querySelector("[data-busy-status]");
      var button = form.querySelector("button[type=submit]");
      if (status) { status.textContent = form.getAttribute("data-busy"); }
      if (button) { button.disabled = true; }
    });
  }
  // "Select all" helper for bulk proposal review.
  var all = document.getElementById("select-all");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll("input[name=pairing_id]");
      for (var j = 0; j < boxes.length; j++) { boxes[j].checked = all.checked; }
    });
  }
})();
