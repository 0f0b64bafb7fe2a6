/*
 * The standardisation page, progressively enhanced: choosing the service to keep shows the
 * outcome at once, without a page load. Without this script each choice's form submits as a
 * plain GET and the server renders the same outcome (the analysis computes it either way; this
 * only swaps the candidate's outcome in place). Served from static/: no inline script (CSP).
 */
(function () {
  "use strict";

  function choiceParams() {
    // Every candidate's choice that differs from the analysis's recommendation, as the GET forms send them.
    const params = new URLSearchParams();
    for (const select of document.querySelectorAll("form.keep-choice select")) {
      if (select.value !== select.dataset.recommended) params.set(select.name, select.value);
    }
    return params;
  }

  function carry(params) {
    // Keep each form's hidden copies of the other choices in step, for a later plain submit.
    for (const form of document.querySelectorAll("form.keep-choice")) {
      const own = form.querySelector("select").name;
      for (const input of form.querySelectorAll("input[type=hidden]")) input.remove();
      for (const [name, value] of params) {
        if (name === own) continue;
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.prepend(input);
      }
    }
    const exportLink = document.getElementById("standardisation-export");
    if (exportLink) {
      const exportParams = new URLSearchParams(params);
      exportParams.set("format", "xlsx");
      exportLink.href = "?" + exportParams.toString();
    }
  }

  async function show(form) {
    const params = choiceParams();
    const url = window.location.pathname + "?" + params.toString();
    // Only this candidate's outcome (?utfall=<key>): the whole page is large on a big register.
    const outcomeParams = new URLSearchParams(params);
    outcomeParams.set("utfall", form.dataset.key);
    const target = document.getElementById(form.dataset.outcome);
    target.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(window.location.pathname + "?" + outcomeParams.toString(), {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(form.dataset.outcome);
      if (!fresh) throw new Error("no outcome");
      target.replaceWith(fresh);
      // The candidate's row in the ranked table shows the new keep and phase-outs too.
      const row = document.getElementById(form.dataset.row);
      const freshRow = page.getElementById(form.dataset.row);
      if (row && freshRow) row.replaceWith(freshRow);
      carry(params);
      window.history.replaceState(null, "", url + "#" + form.closest("section").id);
    } catch (error) {
      form.submit(); // the server renders the same outcome
    } finally {
      target.removeAttribute("aria-busy");
    }
  }

  function openTarget() {
    // A link to #candidate-N (from the ranked table, or after a choice) unfolds that candidate.
    const section = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    const details = section ? section.querySelector("details") : null;
    if (details) details.open = true;
  }

  window.addEventListener("hashchange", openTarget);

  document.addEventListener("DOMContentLoaded", function () {
    openTarget();
    for (const form of document.querySelectorAll("form.keep-choice")) {
      form.querySelector("select").addEventListener("change", function () {
        show(form);
      });
    }
  });
})();
