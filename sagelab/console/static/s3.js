// S3 console: a typed confirmation (the bucket's name, "permanently delete") enables the
// form's destructive button only once it matches, as AWS's Empty and Delete pages do.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-must-equal]").forEach((input) => {
    const submit = input.form.querySelector("button[type=submit]");
    const check = () => { submit.disabled = input.value !== input.dataset.mustEqual; };
    input.addEventListener("input", check);
    check();
  });
});
