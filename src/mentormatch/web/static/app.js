// Small improvements only: every page works without this file.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Preselect the browser's time zone in the intake form when it is one we offer.
  var tz = document.getElementById("timezone");
  if (tz && !tz.value && window.Intl) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (var i = 0; i < tz.options.length; i++) {
      if (tz.options[i].value === zone) { tz.value = zone; break; }
    }
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
