// Scorecard autosave: each row posts itself through htmx (see scorecard.html).
// On a flaky connection the row says it is not saved, keeps the input, and retries.
(function () {
  "use strict";
  var RETRY_MS = 5000;

  function row(elt) {
    return elt && elt.closest ? elt.closest(".rating-row") : null;
  }

  function unsaved(evt) {
    var r = row(evt.detail.elt);
    if (!r) return;
    r.classList.add("unsaved");
    var meta = r.querySelector(".rating-meta");
    var note = meta.querySelector(".retry-note");
    if (!note) {
      note = document.createElement("span");
      note.className = "retry-note text-danger fw-semibold d-block";
      note.setAttribute("role", "alert");
      meta.appendChild(note);
    }
    note.textContent = "Not saved: connection problem. Your input is kept; retrying…";
    window.setTimeout(function () { htmx.trigger(r, "retry"); }, RETRY_MS);
  }

  document.addEventListener("htmx:sendError", unsaved);
  document.addEventListener("htmx:responseError", unsaved);
  document.addEventListener("htmx:afterSwap", function (evt) {
    var r = row(evt.detail.elt);
    if (r) r.classList.remove("unsaved");
  });
  window.addEventListener("beforeunload", function (evt) {
    if (document.querySelector(".rating-row.unsaved")) {
      evt.preventDefault();
      evt.returnValue = "";
    }
  });
})();
