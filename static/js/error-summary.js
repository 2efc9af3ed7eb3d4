// After a submit with errors, move the focus to the error summary, so that keyboard and screen
// reader users start at the list of problems; each item links to its field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
