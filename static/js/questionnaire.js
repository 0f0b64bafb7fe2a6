/*
 * The learning-resource fast track, progressively enhanced: choosing the learning resource fills in
 * what the register already knows of it — the vendor's country and the login method — in place
 * (no page change, so a keyboard user stepping through the list is not moved). The values come
 * from the server's own prefill (?learning_resource=<id>), which also works without this script as
 * a link. Served from static/: no inline script (CSP).
 */
(function () {
  "use strict";

  const PREFILLED = ["id_vendor_country", "id_login_method"];

  async function prefill(select, status) {
    const params = new URLSearchParams({ learning_resource: select.value });
    const response = await fetch(window.location.pathname + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const filled = [];
    for (const id of PREFILLED) {
      const field = document.getElementById(id);
      const known = page.getElementById(id);
      if (!field || !known || !known.value) continue;
      field.value = known.value;
      const label = document.querySelector('label[for="' + id + '"]');
      if (label) filled.push(label.textContent.trim());
    }
    if (status && filled.length) status.textContent = status.dataset.filled + " " + filled.join("; ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const select = document.getElementById("id_learning_resource");
    const status = document.getElementById("prefill-status");
    if (!select) return;
    select.addEventListener("change", function () {
      if (select.value) prefill(select, status);
    });
  });
})();
