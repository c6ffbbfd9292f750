// The exports list, rendered from the status payload's "exports" section (or from
// GET .../exports/). Pure: it returns DOM and binds nothing, so the inspector
// dashboard can use it as its "exports" section renderer:
//   import { renderExports } from "../../djdesk_datalab/js/exports.js";
//   SECTIONS.exports = renderExports;
// Buttons carry data-action attributes that panel.js handles by delegation.
import { emptyState, h } from "../../djdesk_inspector/js/dom.js";

export const ACTIVE = new Set(["queued", "running"]);

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");
const kib = (bytes) => (bytes ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : "");

function execution(item) {
  if (item.status !== "succeeded") return null;
  const label = item.execution === "succeeded" ? "executed" : `not executed (${item.execution})`;
  return h("small", { class: `djl-execution djl-execution-${item.execution}`, title: item.execution_note || "" }, label);
}

function actions(item) {
  const urls = item.urls || {};
  if (item.status !== "succeeded") {
    return ACTIVE.has(item.status) ? [] : [h("button", { type: "button", class: "djl-delete", dataset: { action: "delete", url: urls.self, testid: "export-delete" } }, "Delete")];
  }
  return [
    h("button", { type: "button", dataset: { action: "preview", url: urls.preview, title: `${item.template_title} v${item.version}`, testid: "export-preview-button" } }, "Preview"),
    h("a", { href: urls.notebook, download: item.notebook_name, dataset: { testid: "export-download-ipynb" } }, ".ipynb"),
    h("a", { href: urls.zip, download: "", dataset: { testid: "export-download-zip" } }, ".zip"),
    h("button", { type: "button", class: "djl-delete", dataset: { action: "delete", url: urls.self, testid: "export-delete" } }, "Delete"),
  ];
}

export function exportItem(item) {
  const active = ACTIVE.has(item.status);
  return h(
    "li",
    { class: `djl-export status-${item.status}`, dataset: { id: item.id, status: item.status, testid: "export-item" } },
    h("div", { class: "djl-export-head" },
      h("span", { class: "status", dataset: { testid: "export-status" } }, item.status),
      h("strong", {}, `${item.template_title} v${item.version}`),
      h("small", {}, ` ${when(item.created_at)} ${kib(item.size_bytes)}`),
      execution(item),
    ),
    active ? h("div", { class: "djl-progress" }, h("progress", { max: 100, value: item.progress || 0 }, `${item.progress || 0}%`), h("small", {}, ` ${item.progress_message || ""}`)) : null,
    item.error ? h("pre", { class: "error" }, item.error) : null,
    h("div", { class: "djl-actions" }, actions(item)),
  );
}

export function renderExports(section) {
  if (section && section.installed === false) return emptyState("Install djdesk_datalab to export notebooks.");
  const items = Array.isArray(section) ? section : section?.exports || [];
  if (!items.length) return emptyState("No export yet: pick a template and export a notebook.");
  return h("ul", { class: "djl-list" }, items.map(exportItem));
}
