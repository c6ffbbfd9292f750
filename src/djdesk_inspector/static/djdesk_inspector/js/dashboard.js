// Wires the dashboard: first paint from the embedded payload, then ETag polling, and
// re-rendering only the sections whose slice of the payload changed.
import { Poller } from "./poller.js";
import { SECTIONS } from "./sections.js";

const root = document.getElementById("dashboard");
const previous = {};
const context = { modelsUrl: root?.dataset.modelsUrl || "" };

function sliceOf(key, payload) {
  return key === "snapshot" ? payload.snapshot : payload[key];
}

export function apply(payload) {
  for (const [key, render] of Object.entries(SECTIONS)) {
    const slice = sliceOf(key, payload);
    const serialised = JSON.stringify(slice ?? null);
    if (previous[key] === serialised) continue;
    previous[key] = serialised;
    const container = root.querySelector(`[data-section="${key}"]`);
    if (!container) continue;
    const target = container.querySelector(".body") || container;
    target.replaceChildren(render(slice, payload, context));
    container.dataset.rendered = String(Date.now());
  }
}

if (root) {
  const initial = document.getElementById("djdesk-initial-status");
  if (initial) apply(JSON.parse(initial.textContent));
  const poller = new Poller(root.dataset.statusUrl, Number(root.dataset.pollInterval) || 3000, apply, (error) => {
    root.dataset.pollError = String(error);
  });
  poller.start();
  window.djdeskDashboard = { poller, apply };
}
