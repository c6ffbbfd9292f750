// One renderer per dashboard section, keyed like the status payload. Each returns the
// new body of its <section data-section="...">; dashboard.js calls only those whose
// slice of the payload changed.
import { emptyState, h, table } from "./dom.js";
import { renderSchema } from "./schema-graph.js";
import { renderTree, toTree } from "./settings-view.js";

// A wide table scrolls inside a visible-scrollbar box instead of being cut off.
const scrollBox = (child) => h("div", { class: "scroll-x", tabindex: "0", role: "region", "aria-label": "Scrollable table" }, child);

const fmtDelta = (delta) =>
  delta === null || delta === undefined || delta === 0 ? "" : delta > 0 ? `+${delta}` : `${delta}`;

const when = (iso) => (iso ? new Date(iso).toLocaleString() : "—");

// What the last scan could not read: null in the payload, a reason in snapshot.unknown.
const unknownText = (reason) => `unknown (${reason || "not read"})`;
const reasonFor = (payload, path) => payload?.snapshot?.unknown?.[path];
const unknownNote = (payload, path) =>
  h("p", { class: "unknown", dataset: { testid: `unknown-${path}` } }, unknownText(reasonFor(payload, path)));

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
      snap.mode_reason ? ` · ${snap.mode_reason}` : snap.mode === "static" ? " · static mode: nothing was executed" : "",
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
          h("span", { class: "value" }, item.value ?? unknownText(item.reason)),
          h("span", { class: "label" }, item.label),
          h("span", { class: "delta" }, fmtDelta(item.delta)),
        ),
      ),
    );
  },

  apps(apps) {
    if (!apps || !apps.length) return emptyState("Installed apps appear after the first scan.");
    return scrollBox(
      table(
        ["Label", "Module", "Migrations"],
        apps.map((app) => [app.label, app.name, app.has_migrations ? "yes" : "no"]),
      ),
    );
  },

  schema(graph, payload, context) {
    if (!graph || !graph.nodes || !graph.nodes.length)
      return emptyState("The model graph appears after the first scan.");
    return renderSchema(graph, payload.apps || [], { detailUrl: context.modelsUrl, workspace: context.workspace });
  },

  migrations(migrations, payload) {
    if (!migrations) return emptyState("Migration state appears after the first scan.");
    if (!migrations.apps) return unknownNote(payload, "migrations");
    const pending = {};
    for (const [app] of migrations.unapplied || []) pending[app] = (pending[app] || 0) + 1;
    const rows = Object.entries(migrations.apps).map(([label, info]) => [
      label,
      info.total,
      migrations.db_reachable ? pending[label] || 0 : "unknown",
      info.conflict ? `conflict: ${info.leaves.join(", ")}` : "",
      (migrations.missing?.apps?.[label] || []).join("; "),
    ]);
    const state = migrations.db_reachable
      ? "Applied state read from the database."
      : `Applied state: ${unknownText(reasonFor(payload, "migrations.applied") || migrations.db_error)}.`;
    return h("div", {}, h("p", { class: "meta" }, state), scrollBox(table(["App", "Migrations", "Unapplied", "Conflicts", "Model changes"], rows)));
  },

  checks(checks, payload) {
    if (!payload?.snapshot) return emptyState("System check results appear after the first live scan.");
    if (!checks) return unknownNote(payload, "checks");
    const partial = reasonFor(payload, "checks") ? unknownNote(payload, "checks") : null;
    const messages = checks.messages || [];
    const deploy = checks.deploy || [];
    if (!messages.length && !deploy.length) return partial || h("p", { class: "ok" }, "System check identified no issues.");
    // Same words as the insights: "System check ..." vs "Deployment check ..." (--deploy).
    const groups = (list, prefix) => {
      const byLevel = {};
      for (const message of list) (byLevel[message.level] ||= []).push(message);
      return Object.entries(byLevel).map(([level, items]) => {
        const noun = level.toLowerCase() === "critical" ? "critical" : `${level.toLowerCase()}s`;
        return h(
          "details",
          { open: level === "ERROR" || level === "CRITICAL", dataset: { testid: `checks-${prefix === "System check" ? "system" : "deploy"}-${level.toLowerCase()}` } },
          h("summary", {}, `${prefix} ${noun} (${items.length})`),
          h("ul", { class: "checks" }, items.map((m) => h("li", {}, h("code", {}, m.id || ""), " ", m.msg, m.hint ? h("small", { class: "hint" }, ` Hint: ${m.hint}`) : null))),
        );
      });
    };
    return h(
      "div",
      {},
      partial,
      messages.length ? groups(messages, "System check") : h("p", { class: "ok" }, "System check: no issues."),
      deploy.length ? groups(deploy, "Deployment check") : null,
    );
  },

  urls(urls, payload) {
    if (!payload?.snapshot) return emptyState("The URL map appears after the first live scan.");
    if (!urls) return unknownNote(payload, "urls");
    const body = h("tbody", {});
    const render = (needle) => {
      body.replaceChildren(
        ...urls
          .filter((u) => !needle || `${u.route} ${u.name || ""} ${u.view || ""}`.toLowerCase().includes(needle))
          .map((u) => h("tr", {}, h("td", {}, u.route ? h("code", {}, u.route) : h("span", { class: "meta" }, "/ (site root)")), h("td", {}, [...(u.namespaces || []), u.name].filter(Boolean).join(":")), h("td", {}, u.view || ""))),
      );
    };
    render("");
    const search = h("input", { type: "search", placeholder: "Filter URLs", "aria-label": "Filter URLs", oninput: (e) => render(e.target.value.toLowerCase()) });
    return h("div", {}, search, scrollBox(h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Route"), h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "View"))), body)));
  },

  settings(summary, payload) {
    if (!payload?.snapshot) return emptyState("A redacted settings summary appears after the first scan.");
    if (!summary) return unknownNote(payload, "settings");
    const shown = (key, value) => renderTree(toTree(value), h, () => unknownText(reasonFor(payload, `settings.${key}`)));
    return h("dl", { class: "settings kv" }, Object.entries(summary).map(([key, value]) => [h("dt", {}, key), h("dd", {}, shown(key, value))]));
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
