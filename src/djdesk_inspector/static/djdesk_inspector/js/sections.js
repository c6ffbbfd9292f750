// One renderer per dashboard section, keyed like the status payload. Each returns the
// new body of its <section data-section="...">; dashboard.js calls only those whose
// slice of the payload changed.
import { emptyState, h, table } from "./dom.js";
import { renderSchema } from "./schema-graph.js";

const fmtDelta = (delta) =>
  delta === null || delta === undefined || delta === 0 ? "" : delta > 0 ? `+${delta}` : `${delta}`;

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

export const SECTIONS = {
  snapshot(_slice, payload) {
    const snap = payload.snapshot;
    if (!snap) return document.createTextNode("Not scanned yet.");
    const versions = [
      snap.django?.version ? `Django ${snap.django.version}` : null,
      snap.python?.version ? `Python ${snap.python.version}` : null,
    ].filter(Boolean);
    return h(
      "span",
      { dataset: { testid: "snapshot-mode" } },
      `Last snapshot: ${snap.mode} scan, ${when(snap.created_at)}`,
      versions.length ? ` · ${versions.join(" · ")}` : "",
      snap.mode === "static" ? " · static mode: nothing was executed, so checks and URLs are unknown" : "",
      snap.fallback_reason ? ` (live scan not possible: ${snap.fallback_reason})` : "",
    );
  },

  insights(items) {
    if (!items || !items.length) return emptyState("No snapshot yet: run a scan to see counts and deltas.");
    return h(
      "ul",
      { class: "insights" },
      items.map((item) =>
        h(
          "li",
          { class: `insight severity-${item.severity || "info"}`, dataset: { key: item.key } },
          h("span", { class: "value" }, item.value ?? "—"),
          h("span", { class: "label" }, item.label),
          h("span", { class: "delta" }, fmtDelta(item.delta)),
        ),
      ),
    );
  },

  apps(apps) {
    if (!apps || !apps.length) return emptyState("Installed apps appear after the first scan.");
    return table(
      ["Label", "Module", "Migrations"],
      apps.map((app) => [app.label, app.name, app.has_migrations ? "yes" : "no"]),
    );
  },

  schema(graph, payload, context) {
    if (!graph || !graph.nodes || !graph.nodes.length)
      return emptyState("The model graph appears after the first scan.");
    return renderSchema(graph, payload.apps || [], { detailUrl: context.modelsUrl });
  },

  migrations(migrations) {
    if (!migrations || !migrations.apps) return emptyState("Migration state appears after the first scan.");
    const pending = {};
    for (const [app] of migrations.unapplied || []) pending[app] = (pending[app] || 0) + 1;
    const rows = Object.entries(migrations.apps).map(([label, info]) => [
      label,
      info.total,
      migrations.db_reachable ? pending[label] || 0 : "?",
      info.conflict ? `conflict: ${info.leaves.join(", ")}` : "",
      (migrations.missing?.apps?.[label] || []).join("; "),
    ]);
    const state = migrations.db_reachable ? "Applied state read from the database." : "Database not reachable: applied state unknown.";
    return h("div", {}, h("p", { class: "meta" }, state), table(["App", "Migrations", "Unapplied", "Conflicts", "Model changes"], rows));
  },

  checks(checks) {
    if (!checks) return emptyState("System check results appear after the first live scan.");
    const all = [...(checks.messages || []), ...(checks.deploy || []).map((m) => ({ ...m, deploy: true }))];
    if (!all.length) return h("p", { class: "ok" }, "System check identified no issues.");
    const groups = {};
    for (const message of all) (groups[message.level] ||= []).push(message);
    return h(
      "div",
      {},
      Object.entries(groups).map(([level, messages]) =>
        h(
          "details",
          { open: level === "ERROR" || level === "CRITICAL" },
          h("summary", {}, `${level} (${messages.length})`),
          h("ul", { class: "checks" }, messages.map((m) => h("li", {}, h("code", {}, m.id || ""), " ", m.msg, m.deploy ? " [deploy]" : "", m.hint ? h("small", { class: "hint" }, ` Hint: ${m.hint}`) : null))),
        ),
      ),
    );
  },

  urls(urls) {
    if (!urls) return emptyState("The URL map appears after the first live scan.");
    const body = h("tbody", {});
    const render = (needle) => {
      body.replaceChildren(
        ...urls
          .filter((u) => !needle || `${u.route} ${u.name || ""} ${u.view || ""}`.toLowerCase().includes(needle))
          .map((u) => h("tr", {}, h("td", {}, h("code", {}, u.route)), h("td", {}, [...(u.namespaces || []), u.name].filter(Boolean).join(":")), h("td", {}, u.view || ""))),
      );
    };
    render("");
    const search = h("input", { type: "search", placeholder: "Filter URLs", "aria-label": "Filter URLs", oninput: (e) => render(e.target.value.toLowerCase()) });
    return h("div", {}, search, h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Route"), h("th", {}, "Name"), h("th", {}, "View"))), body));
  },

  settings(summary) {
    if (!summary) return emptyState("A redacted settings summary appears after the first live scan.");
    return h("dl", { class: "settings" }, Object.entries(summary).map(([key, value]) => [h("dt", {}, key), h("dd", {}, typeof value === "object" ? JSON.stringify(value) : String(value))]));
  },

  scans(scans) {
    if (!scans || !scans.length) return emptyState("No scan has run yet.");
    return h(
      "ul",
      { class: "scans" },
      scans.map((scan) =>
        h(
          "li",
          { class: `scan status-${scan.status}`, dataset: { testid: `scan-${scan.id}` } },
          h("span", { class: "status" }, scan.status),
          ` #${scan.id} ${scan.kind} · ${when(scan.created_at)}`,
          scan.status === "running" || scan.status === "queued" ? h("progress", { max: 100, value: scan.progress }, `${scan.progress}%`) : null,
          scan.progress_message ? h("small", {}, ` ${scan.progress_message}`) : null,
          scan.error ? h("pre", { class: "error" }, scan.error) : null,
        ),
      ),
    );
  },

  task_runs(section) {
    if (!section || !section.installed) return emptyState("Install djdesk_presets to run vetted management commands.");
    const runs = section.runs || [];
    if (!runs.length) return emptyState("No task has run yet.");
    return h("ul", { class: "runs" }, runs.map((run) => h("li", { class: `run status-${run.status}` }, h("span", { class: "status" }, run.status), ` ${run.preset_label || run.preset} `, run.status === "running" || run.status === "requested" ? h("progress", { max: 100, value: run.progress ?? 0 }) : null)));
  },

  docs(section) {
    if (!section || !section.installed) return emptyState("Install djdesk_docs to browse docs offline.");
    const links = section.links || [];
    if (!links.length) return emptyState("No doc links.");
    return h("ul", { class: "doc-links" }, links.map((link) => h("li", {}, h("a", { href: link.url, dataset: { online: link.online_url || "" } }, link.title))));
  },
};
