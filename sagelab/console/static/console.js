// sagelab console: selection-driven Actions, confirmation dialogs. No framework.
"use strict";

function selectedValues(table) {
  return Array.from(table.querySelectorAll("input[name=selected]:checked")).map((el) => el.value);
}

// A control marked data-needs-selection (in a toolbar whose data-for names a table id) is
// enabled only while a row is selected; a link's data-href-template gets the selection.
function refreshSelection(table) {
  const values = selectedValues(table);
  table.querySelectorAll("tbody tr").forEach((row) => {
    const box = row.querySelector("input[name=selected]");
    row.classList.toggle("selected", Boolean(box && box.checked));
  });
  document.querySelectorAll(`[data-for="${table.id}"] [data-needs-selection]`).forEach((el) => {
    const ok = values.length === 1 || (values.length > 0 && el.dataset.needsSelection === "many");
    if (el.tagName === "A") {
      el.setAttribute("aria-disabled", ok ? "false" : "true");
      if (ok && el.dataset.hrefTemplate) {
        el.href = el.dataset.hrefTemplate.replace("{id}", encodeURIComponent(values[0]));
      }
    } else {
      el.disabled = !ok;
    }
  });
}

function confirmFirst(event) {
  const button = event.currentTarget;
  if (button.dataset.confirmed === "yes") {
    button.dataset.confirmed = "";
    return;
  }
  event.preventDefault();
  const dialog = document.getElementById("confirm-dialog");
  const word = button.dataset.confirmWord || "";
  document.getElementById("confirm-title").textContent = button.dataset.confirmTitle || "Confirm";
  document.getElementById("confirm-text").textContent = button.dataset.confirm;
  document.getElementById("confirm-ok").textContent = button.dataset.confirmButton || "Delete";
  const typed = document.getElementById("confirm-typed");
  const input = document.getElementById("confirm-input");
  const ok = document.getElementById("confirm-ok");
  typed.hidden = !word;
  input.value = "";
  document.getElementById("confirm-word").textContent = word;
  ok.disabled = Boolean(word);
  input.oninput = () => { ok.disabled = input.value !== word; };
  dialog.onclose = () => {
    if (dialog.returnValue === "ok") {
      button.dataset.confirmed = "yes";
      button.click();
    }
  };
  dialog.showModal();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table[id]").forEach((table) => {
    table.addEventListener("change", () => refreshSelection(table));
    refreshSelection(table);
  });
  document.querySelectorAll("[data-confirm]").forEach((el) => el.addEventListener("click", confirmFirst));
  // A menu closes once one of its items was chosen, as AWS's dropdowns do.
  document.querySelectorAll("details.actions .menu-body").forEach((body) => {
    body.addEventListener("click", () => body.closest("details").removeAttribute("open"));
  });
});
