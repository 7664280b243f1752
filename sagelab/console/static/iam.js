// IAM console pages: policy table filters, the Add user wizard's panels, dialogs, tag rows
// and the success page's Show buttons. No framework.
"use strict";

function filterPolicies(id) {
  const search = document.querySelector(`[data-filter-search="${id}"]`).value.trim().toLowerCase();
  const kind = document.querySelector(`[data-filter-type="${id}"]`).value;
  document.querySelectorAll(`#${id} tbody tr`).forEach((row) => {
    const kindOk = !kind || row.dataset.kind === kind || (kind === "aws" && row.dataset.kind === "job");
    row.hidden = !(kindOk && row.dataset.name.includes(search));
  });
}

// "Add user to group" / "Copy permissions" / "Attach policies": only the chosen panel shows.
function showModePanel() {
  const chosen = document.querySelector("input[name=permissions_mode]:checked");
  document.querySelectorAll(".mode-panel").forEach((panel) => {
    panel.hidden = Boolean(chosen) && panel.dataset.mode !== chosen.value;
  });
}

function addTagRow(tableId) {
  const body = document.querySelector(`#${tableId} tbody`);
  const row = body.querySelector("tr").cloneNode(true);
  const n = body.querySelectorAll("tr").length + 1;
  row.querySelectorAll("input").forEach((input) => {
    const kind = input.name === "tag_key" ? "key" : "value";
    input.value = "";
    input.id = `tag-${kind}-${n}`;
    row.querySelector(`label[for^="tag-${kind}"]`).htmlFor = input.id;
  });
  body.appendChild(row);
  row.querySelector("input").focus();
}

function showConsoleFields() {
  const box = document.getElementById("access-console");
  document.querySelectorAll(".console-only").forEach((el) => { el.hidden = !box.checked; });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-filters]").forEach((bar) => {
    const id = bar.dataset.filters;
    bar.querySelectorAll("input, select").forEach((el) => el.addEventListener("input", () => filterPolicies(id)));
    filterPolicies(id);
  });
  document.querySelectorAll("input[name=permissions_mode]").forEach((el) => el.addEventListener("change", showModePanel));
  showModePanel();
  if (document.getElementById("access-console")) {
    document.getElementById("access-console").addEventListener("change", showConsoleFields);
    showConsoleFields();
  }
  document.querySelectorAll("[data-open-dialog]").forEach((el) => el.addEventListener("click", () => {
    document.getElementById(el.dataset.openDialog).showModal();
  }));
  // Enter in a dialog's field submits the dialog's own button, not the page's first one.
  document.querySelectorAll("dialog").forEach((dialog) => dialog.addEventListener("keydown", (event) => {
    const submit = dialog.querySelector("button[type=submit]");
    if (event.key === "Enter" && event.target.tagName === "INPUT" && submit) {
      event.preventDefault();
      submit.click();
    }
  }));
  document.querySelectorAll("[data-close-dialog]").forEach((el) => el.addEventListener("click", () => {
    document.getElementById(el.dataset.closeDialog).close();
  }));
  document.querySelectorAll("[data-add-tag]").forEach((el) => el.addEventListener("click", () => addTagRow(el.dataset.addTag)));
  document.querySelectorAll("[data-reveal]").forEach((el) => el.addEventListener("click", () => {
    const secret = document.getElementById(el.dataset.reveal);
    secret.hidden = !secret.hidden;
    el.textContent = secret.hidden ? "Show" : "Hide";
  }));
});
