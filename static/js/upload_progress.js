// Follows a discovery upload while a background task reads it: asks the status page for its JSON
// every two seconds, moves the progress bar, and reloads the page once the task has finished.
(function () {
  "use strict";
  var box = document.getElementById("upload-progress");
  if (!box) { return; }
  var bar = document.getElementById("upload-progress-bar");
  var text = document.getElementById("upload-progress-text");
  var label = document.getElementById("upload-status-label");
  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (label) { label.textContent = state.label; }
        if (!state.progress) { window.location.reload(); return; }
        bar.value = state.progress.percent;
        bar.textContent = state.progress.percent + " %";
        text.textContent = state.progress.percent + " %";
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
