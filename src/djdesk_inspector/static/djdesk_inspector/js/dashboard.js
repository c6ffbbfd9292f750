// Wires the dashboard: first paint from the embedded payload, then ETag polling, and
// re-rendering only the sections whose slice of the payload changed.
import { Poller } from "./poller.js";
import { SECTIONS } from "./sections.js";

const root = document.getElementById("dashboard");
const previous = {};
const context = { modelsUrl: root?.dataset.modelsUrl || "", workspace: root?.dataset.workspace || "" };
let snapshotId;

// The scan button says "Scan" until a snapshot exists, "Rescan" after.
function labelScanButton(payload) {
  const button = document.querySelector("[data-testid=rescan]");
  if (button) button.textContent = payload.snapshot ? "Rescan" : "Scan";
}

// A failed poll shows a notice with a retry button; the next good poll removes it.
function pollNotice(error) {
  const notice = document.getElementById("poll-notice");
  if (!notice) return;
  if (!error) {
    notice.hidden = true;
    return;
  }
  notice.querySelector("[data-role=text]").textContent = `Live updates paused: ${error.message || error}. Retrying every few seconds.`;
  notice.hidden = false;
}

function sliceOf(key, payload) {
  return key === "snapshot" ? payload.snapshot : payload[key];
}

export function apply(payload) {
  pollNotice(null);
  labelScanButton(payload);
  if ((payload.snapshot?.id ?? null) !== snapshotId) {
    const first = snapshotId === undefined;
    snapshotId = payload.snapshot?.id ?? null;
    // Panels outside SECTIONS (the presets drawer) reload what depends on the snapshot.
    if (!first) document.dispatchEvent(new CustomEvent("djdesk:snapshot", { detail: { id: snapshotId } }));
  }
  for (const [key, render] of Object.entries(SECTIONS)) {
    const slice = sliceOf(key, payload);
    // The snapshot id too: an unknown (null) section still says why, per snapshot.
    const serialised = JSON.stringify([slice ?? null, payload.snapshot?.id ?? null]);
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
    pollNotice(error);
  });
  document.querySelector("#poll-notice [data-role=retry]")?.addEventListener("click", () => poller.pollNow());
  poller.start();
  window.djdeskDashboard = { poller, apply };
}
