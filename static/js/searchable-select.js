/*
 * A searchable multi-select, by progressive enhancement: each <select multiple data-searchable>
 * (the processing-activity form's 300 systems and 150 learning resources) gets a search field and
 * a scrolling list of checkboxes that stays in step with the select, which is hidden but still
 * the one submitted. Without this script the plain multi-select works as before.
 *
 * Accessible by construction: the field's own <label> now names the search field; each name is a
 * native checkbox with its label (Tab, Space); the number chosen and shown is announced in a
 * polite live region as the filter changes. Texts come from the form's data-search-* attributes
 * (translated by Django). Served from static/: no inline script or style (CSP).
 */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function fold(text) {
    return text.toLocaleLowerCase("sv").normalize("NFC");
  }

  function enhance(select) {
    const form = select.form;
    const texts = form ? form.dataset : {};
    const label = document.querySelector('label[for="' + select.id + '"]');
    const name = label ? label.textContent.replace("*", "").trim() : select.name;

    const box = document.createElement("div");
    box.className = "searchable-select";

    const search = document.createElement("input");
    search.type = "search";
    search.id = select.id + "-search";
    search.autocomplete = "off";
    search.setAttribute("aria-controls", select.id + "-options");
    search.setAttribute("aria-describedby", select.id + "-count");
    if (label) label.htmlFor = search.id; // the field's label names the search field
    else search.setAttribute("aria-label", (texts.searchLabel || "") + " " + name);

    const count = document.createElement("p");
    count.id = select.id + "-count";
    count.className = "searchable-select__count muted";
    count.setAttribute("role", "status");

    const list = document.createElement("ul");
    list.id = select.id + "-options";
    list.className = "searchable-select__options";
    list.setAttribute("aria-label", name);

    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = texts.searchEmpty || "";
    empty.hidden = true;

    const items = [];
    Array.from(select.options).forEach(function (option, index) {
      if (!option.value) return;
      const item = document.createElement("li");
      const checkbox = document.createElement("input");
      checkbox.type = "checkbox";
      checkbox.id = select.id + "-option-" + index;
      checkbox.value = option.value;
      checkbox.checked = option.selected;
      const optionLabel = document.createElement("label");
      optionLabel.htmlFor = checkbox.id;
      optionLabel.textContent = option.textContent;
      checkbox.addEventListener("change", function () {
        option.selected = checkbox.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        update();
      });
      item.append(checkbox, " ", optionLabel);
      list.append(item);
      items.push({ item: item, key: fold(option.textContent), option: option });
    });
    list.append(empty);

    function update() {
      const query = fold(search.value.trim());
      let shown = 0;
      for (const entry of items) {
        const match = !query || entry.key.includes(query);
        entry.item.hidden = !match;
        if (match) shown += 1;
      }
      empty.hidden = shown > 0;
      const selected = items.filter(function (entry) {
        return entry.option.selected;
      }).length;
      count.textContent = format(texts.searchCount || "{selected} / {shown} / {total}", {
        selected: selected,
        shown: shown,
        total: items.length,
      });
    }

    search.addEventListener("input", update);
    search.addEventListener("keydown", function (event) {
      // Enter in the search field must not submit the whole form; it moves to the first match.
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = items.find(function (entry) {
        return !entry.item.hidden;
      });
      if (first) first.item.querySelector("input").focus();
    });

    box.append(search, count, list);
    select.after(box);
    select.hidden = true;
    select.removeAttribute("size");
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-searchable]").forEach(enhance);
  });
})();
