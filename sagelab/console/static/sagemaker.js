// Amazon SageMaker pages: actions allowed by the selected row's status, the "Create an IAM
// role" dialog, the status filter, and metric charts drawn as inline SVG. No framework.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

// AWS enables an action only in the statuses that allow it (Delete once Stopped...). Runs
// after console.js's own selection handler, so it only ever narrows what that enabled.
function gateByStatus(table) {
  const box = table.querySelector("input[name=selected]:checked");
  const row = box ? box.closest("tr") : null;
  const status = row ? row.dataset.status || "" : "";
  document.querySelectorAll(`[data-for="${table.id}"] [data-needs-selection]`).forEach((el) => {
    const allowed = el.dataset.needsStatus ? el.dataset.needsStatus.split(" ") : null;
    const ok = Boolean(row) && (!allowed || allowed.includes(status));
    if (el.tagName === "A") {
      el.setAttribute("aria-disabled", ok ? "false" : "true");
    } else {
      el.disabled = !ok;
    }
    if (box && el.dataset.confirmTemplate) {
      el.dataset.confirm = el.dataset.confirmTemplate.replace("{name}", box.value);
    }
  });
}

function csrfToken() {
  const input = document.querySelector("input[name=csrf_token]");
  return input ? input.value : "";
}

// The IAM role select's last option opens "Create an IAM role"; the role it creates is
// added to the select and chosen, as on AWS.
function wireRoleDialog(select) {
  const dialog = document.getElementById("create-role-dialog");
  if (!dialog) return;
  const error = document.getElementById("create-role-error");
  let previous = select.value === select.dataset.newRole ? "" : select.value;
  select.addEventListener("change", () => {
    if (select.value !== select.dataset.newRole) {
      previous = select.value;
      return;
    }
    error.hidden = true;
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (select.value === select.dataset.newRole) select.value = previous;
  });
  document.getElementById("create-role-submit").addEventListener("click", async () => {
    const body = new FormData();
    body.append("s3_access", dialog.querySelector("input[name=s3_access]:checked").value);
    body.append("buckets", document.getElementById("s3_buckets").value);
    const answer = await fetch(dialog.dataset.action, {
      method: "POST", body, headers: { "X-CSRF-Token": csrfToken() }, credentials: "same-origin",
    });
    const result = await answer.json();
    if (!answer.ok) {
      error.textContent = result.error;
      error.hidden = false;
      return;
    }
    const option = new Option(result.name, result.arn, true, true);
    select.insertBefore(option, select.querySelector(`option[value="${select.dataset.newRole}"]`));
    previous = result.arn;
    dialog.close();
    const note = document.createElement("div");
    note.className = "alert success";
    note.setAttribute("role", "status");
    note.textContent = `Success! You created an IAM role: ${result.name}`;
    select.closest(".field").append(note);
  });
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function label(value) {
  if (Math.abs(value) >= 1000 || value === 0) return value.toFixed(0);
  return Number(value.toPrecision(3)).toString();
}

// A line chart of [[epoch seconds, value], ...] with min/max gridlines and time labels.
function drawChart(figure) {
  const points = JSON.parse(figure.dataset.points || "[]");
  const width = 480, height = 180, left = 48, right = 12, top = 12, bottom = 24;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": figure.dataset.title || "chart" });
  figure.append(chart);
  if (!points.length) {
    chart.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "No data available"));
    return;
  }
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys, 0), Math.max(...ys)];
  if (x1 === x0) { x0 -= 30; x1 += 30; }
  if (y1 === y0) y1 = y0 + 1;
  const sx = (x) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const sy = (y) => height - bottom - ((y - y0) / (y1 - y0)) * (height - top - bottom);
  [y0, (y0 + y1) / 2, y1].forEach((y) => {
    chart.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: sy(y), y2: sy(y) }));
    chart.append(svg("text", { x: left - 6, y: sy(y) + 4, "text-anchor": "end" }, label(y)));
  });
  chart.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: height - bottom, y2: height - bottom }));
  const time = (x) => new Date(x * 1000).toISOString().slice(11, 19);
  chart.append(svg("text", { x: left, y: height - 6 }, time(x0)));
  chart.append(svg("text", { x: width - right, y: height - 6, "text-anchor": "end" }, `${time(x1)} UTC`));
  const path = points.map((p, i) => `${i ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`);
  chart.append(svg("path", { class: "line", d: path.join(" ") }));
  points.forEach((p) => chart.append(svg("circle", { class: "dot", cx: sx(p[0]), cy: sy(p[1]), r: 2.5 })));
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table[id]").forEach((table) => {
    table.addEventListener("change", () => gateByStatus(table));
    gateByStatus(table);
  });
  document.querySelectorAll("select[data-new-role]").forEach(wireRoleDialog);
  document.querySelectorAll("select[data-filter-url]").forEach((select) => {
    select.addEventListener("change", () => {
      const query = select.value ? `?status=${encodeURIComponent(select.value)}` : "";
      window.location = select.dataset.filterUrl + query;
    });
  });
  document.querySelectorAll("figure.sm-chart").forEach(drawChart);
});

// A running job's page reloads itself, keeping its scroll position, so logs stay live.
document.addEventListener("DOMContentLoaded", () => {
  const marker = document.querySelector("[data-auto-refresh]");
  if (!marker) return;
  const key = `sm-scroll:${location.pathname}`;
  const y = sessionStorage.getItem(key);
  if (y) window.scrollTo(0, Number(y));
  setTimeout(() => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }, Number(marker.dataset.autoRefresh) * 1000);
});
