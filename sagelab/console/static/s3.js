// S3 console: a typed confirmation (the bucket's name, "permanently delete") enables the
// form's destructive button only once it matches, as AWS's Empty and Delete pages do; an
// object's "Copy S3 URI" / "Copy URL" buttons put their data-copy text on the clipboard.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-must-equal]").forEach((input) => {
    const submit = input.form.querySelector("button[type=submit]");
    const check = () => { submit.disabled = input.value !== input.dataset.mustEqual; };
    input.addEventListener("input", check);
    check();
  });
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const label = button.textContent;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = "Copied";
      } catch (err) {
        button.textContent = "Copy failed";
      }
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  });
});
