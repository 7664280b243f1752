// CloudWatch log viewer: a stream's events, newest at the bottom. It polls the console's
// JSON route, which answers GetLogEvents with the forward token it was given (the events
// after the last one shown) and, on request, the backward token (older events).
"use strict";

(() => {
  const POLL_MS = 2000;

  function row(event) {
    const tr = document.createElement("tr");
    const when = document.createElement("td");
    when.textContent = new Date(event.timestamp).toISOString().replace("T", " ").replace("Z", " UTC");
    when.className = "nowrap";
    const message = document.createElement("td");
    const pre = document.createElement("pre");
    pre.textContent = event.message;
    message.appendChild(pre);
    tr.append(when, message);
    return tr;
  }

  async function fetchPage(viewer, token, direction) {
    let address = viewer.dataset.source;
    if (token) { address += `&token=${encodeURIComponent(token)}`; }
    if (direction) { address += `&direction=${direction}`; }
    const answer = await fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await answer.json();
    if (!answer.ok) { throw new Error(body.error || `HTTP ${answer.status}`); }
    return body;
  }

  function setup(viewer) {
    const body = viewer.querySelector("tbody");
    const empty = viewer.querySelector("[data-log-empty]");
    const status = viewer.querySelector("[data-log-status]");
    const tail = viewer.querySelector("[data-log-tail]");
    const state = { forward: null, backward: null, busy: false };

    const show = (events, atTop) => {
      const rows = events.map(row);
      if (atTop) { body.prepend(...rows); } else { body.append(...rows); }
      empty.hidden = body.children.length > 0;
    };

    const newer = async () => {
      if (state.busy) { return; }
      state.busy = true;
      try {
        const page = await fetchPage(viewer, state.forward, null);
        if (page.missing) {
          status.textContent = "Waiting for the log stream to be created...";
        } else {
          show(page.events, false);
          state.forward = page.forward || state.forward;
          if (state.backward === null) { state.backward = page.backward; }
          status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
        }
      } catch (error) {
        status.textContent = error.message;
      } finally {
        state.busy = false;
      }
    };

    viewer.querySelector("[data-log-older]").addEventListener("click", async () => {
      if (!state.backward) { return; }
      const page = await fetchPage(viewer, state.backward, "backward");
      show(page.events, true);
      state.backward = page.backward || state.backward;
      if (page.events.length === 0) { status.textContent = "No older events."; }
    });

    newer();
    setInterval(() => { if (tail.checked) { newer(); } }, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-log-viewer]").forEach((viewer) => {
      if (viewer.dataset.ready) { return; }  // the partial may be included more than once
      viewer.dataset.ready = "yes";
      setup(viewer);
    });
  });
})();
