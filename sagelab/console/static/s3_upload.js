// S3 upload: the browser PUTs each chosen file straight to S3 with a presigned URL the
// console signed for this session, reporting progress from XMLHttpRequest's upload events
// (fetch() cannot report upload progress).
"use strict";

function sizeText(bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let n = bytes, i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function listFiles(box, files) {
  const body = box.querySelector("#upload-table tbody");
  body.replaceChildren(...files.map((file) => {
    const row = document.createElement("tr");
    [file.name, file.type || "-", sizeText(file.size), "Pending"].forEach((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }));
  box.querySelector("#upload-start").disabled = files.length === 0;
}

async function presignedUrls(box, keys) {
  const form = new URLSearchParams();
  keys.forEach((key) => form.append("key", key));
  const answer = await fetch(box.dataset.urls, {
    method: "POST",
    headers: { "X-CSRF-Token": box.dataset.csrf },
    body: form,
    credentials: "same-origin",
  });
  if (!answer.ok) { throw new Error(`Could not prepare the upload (HTTP ${answer.status})`); }
  return (await answer.json()).urls;
}

function put(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) { onProgress(event.loaded); } };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
      const code = (xhr.responseText.match(/<Code>([^<]*)<\/Code>/) || [])[1] || `HTTP ${xhr.status}`;
      const message = (xhr.responseText.match(/<Message>([^<]*)<\/Message>/) || [])[1] || "";
      reject(new Error(`${code}: ${message}`));
    };
    xhr.onerror = () => reject(new Error("The network connection failed"));
    xhr.send(file);
  });
}

function showProgress(box, done, total) {
  const percent = total === 0 ? 100 : Math.floor((done * 100) / total);
  box.querySelector("#upload-progress").value = percent;
  box.querySelector("#upload-progress-text").textContent = `${percent}%`;
}

function showResult(box, level, text) {
  const result = box.querySelector("#upload-result");
  result.className = `alert ${level}`;
  result.textContent = text;
}

async function uploadAll(box, files) {
  const rows = box.querySelectorAll("#upload-table tbody tr");
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const loaded = files.map(() => 0);
  const keys = files.map((f) => box.dataset.prefix + f.name);
  const urls = await presignedUrls(box, keys);
  let failed = 0;
  for (let i = 0; i < files.length; i += 1) {
    const status = rows[i].lastElementChild;
    status.textContent = "In progress";
    try {
      await put(urls[keys[i]], files[i], (bytes) => {
        loaded[i] = bytes;
        showProgress(box, loaded.reduce((a, b) => a + b, 0), total);
      });
      loaded[i] = files[i].size;
      status.textContent = "Succeeded";
    } catch (error) {
      failed += 1;
      status.textContent = `Failed: ${error.message}`;
    }
    showProgress(box, loaded.reduce((a, b) => a + b, 0), total);
  }
  if (failed) {
    showResult(box, "error", `Upload failed: ${failed} of ${files.length} files could not be uploaded.`);
  } else {
    showResult(box, "success", `Upload succeeded: ${files.length} file${files.length === 1 ? "" : "s"}, ${sizeText(total)}.`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("upload");
  if (!box) { return; }
  const input = box.querySelector("#upload-files");
  input.addEventListener("change", () => listFiles(box, Array.from(input.files)));
  box.querySelector("#upload-start").addEventListener("click", async (event) => {
    event.currentTarget.disabled = true;
    try {
      await uploadAll(box, Array.from(input.files));
    } catch (error) {
      showResult(box, "error", `Upload failed: ${error.message}`);
    }
  });
});
