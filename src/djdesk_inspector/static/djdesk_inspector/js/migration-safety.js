// "Before you migrate": the pending plan, the safety lint, rehearsals and schema history.
// Adds renderers to the dashboard's SECTIONS so every status poll re-renders what changed
// (a running rehearsal's progress and its end appear without a reload). The controls
// (Rehearse, Cancel, Compare) live outside the re-rendered bodies, so they keep focus.
import { emptyState, h } from "./dom.js";
import {
  ACTIVE,
  describeDiff,
  docsHref,
  lintSummary,
  planState,
  rehearsalHeadline,
  rehearseBlocker,
  snapshotOption,
  stepNote,
  stepRows,
  unknownText,
} from "./migration-safety-data.js";
import { SECTIONS } from "./sections.js";

const CANCEL_PLACEHOLDER = "2147483647";

const scrollBox = (label, child) => h("div", { class: "scroll-x", tabindex: "0", role: "region", "aria-label": label }, child);

async function requestJson(url, { method = "GET", body, csrf } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = csrf;
  }
  const response = await fetch(url, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  if (!response.ok) throw new Error(Object.values(data.errors || {}).flat().join(" ") || `HTTP ${response.status}`);
  return data;
}

class MigrationSafety {
  constructor(root) {
    this.root = root;
    this.csrf = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
    this.untrustedReason = root.dataset.untrustedReason || "Trust the workspace first.";
    this.planBody = root.querySelector("[data-role=plan-body]");
    this.rehearseForm = root.querySelector("[data-role=rehearse-form]");
    this.rehearseButton = root.querySelector("[data-role=rehearse]");
    this.cancelButton = root.querySelector("[data-role=cancel]");
    this.reason = root.querySelector("[data-role=rehearse-reason]");
    this.message = root.querySelector("[data-role=message]");
    this.compareForm = root.querySelector("[data-role=compare-form]");
    this.fromSelect = root.querySelector("[data-role=from]");
    this.toSelect = root.querySelector("[data-role=to]");
    this.compareButton = root.querySelector("[data-role=compare]");
    this.diffBox = root.querySelector("[data-role=diff]");
    this.payload = null;
    this.sql = null; // {snapshot, steps: Map "app.name" -> step} from the plan endpoint
    this.posting = false;
    this.pending = null; // id of the rehearsal this page requested, until it ends
  }

  start() {
    this.rehearseForm.addEventListener("submit", (event) => this.rehearse(event));
    this.cancelButton.addEventListener("click", () => this.cancel());
    this.compareForm.addEventListener("submit", (event) => this.compare(event));
    SECTIONS.migration_lint = (lint, payload) => this.renderLint(lint, payload);
    SECTIONS.rehearsals = (rows, payload) => this.renderRehearsals(rows, payload);
    // The plan belongs to the latest snapshot, whose id heads `snapshots`: this slice
    // changes exactly when the plan may have.
    SECTIONS.snapshots = (snapshots, payload) => this.renderHistory(snapshots, payload);
    // dashboard.js may have painted the embedded payload before this module loaded.
    const initial = document.getElementById("djdesk-initial-status");
    if (initial) this.paint(JSON.parse(initial.textContent));
  }

  paint(payload) {
    for (const key of ["migration_lint", "rehearsals", "snapshots"]) {
      const container = this.root.querySelector(`[data-section="${key}"]`);
      container.querySelector(".body").replaceChildren(SECTIONS[key](payload[key], payload));
    }
  }

  say(text, kind = "info") {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }

  // -- plan ---------------------------------------------------------------------------

  renderPlan(payload) {
    const migrations = payload.migrations;
    const state = planState(payload.snapshot ? migrations : null, payload.snapshot?.unknown);
    const snapshotId = payload.snapshot?.id ?? null;
    if (this.sql && this.sql.snapshot !== snapshotId) this.sql = null;
    const lead = h("p", { class: state.kind === "unknown" ? "unknown" : "meta", dataset: { testid: "plan-state" } }, state.text);
    if (state.kind !== "steps") {
      this.planBody.replaceChildren(lead);
      return;
    }
    const items = migrations.plan.map((step) => {
      const key = `${step.app}.${step.name}`;
      const note = stepNote(step);
      const item = h("li", { dataset: { testid: `plan-step-${key}` } }, h("code", {}, key), note ? h("span", { class: "meta" }, ` · ${note}`) : null);
      if (step.statements) {
        const pre = h("pre", { class: "ms-sql", tabindex: "0", dataset: { testid: `plan-sql-${key}` } }, "Loading SQL…");
        const details = h("details", {}, h("summary", {}, "SQL"), pre);
        details.addEventListener("toggle", () => details.open && this.showSql(snapshotId, key, pre));
        item.append(details);
      }
      return item;
    });
    this.planBody.replaceChildren(lead, h("ol", { class: "ms-plan" }, items));
  }

  async showSql(snapshotId, key, pre) {
    try {
      if (!this.sql || this.sql.snapshot !== snapshotId) {
        const query = snapshotId === null ? "" : `?snapshot=${encodeURIComponent(snapshotId)}`;
        const data = await requestJson(`${this.root.dataset.planUrl}${query}`);
        const steps = new Map((data.plan || []).map((step) => [`${step.app}.${step.name}`, step]));
        this.sql = { snapshot: snapshotId, steps };
      }
      const step = this.sql.steps.get(key);
      if (!step) pre.textContent = "This migration is no longer in the plan.";
      else if (step.sql === null || step.sql === undefined) pre.textContent = unknownText(step.sql_error);
      else pre.textContent = step.sql.join("\n") || "(no SQL: this migration runs Python only)";
    } catch (error) {
      pre.textContent = `SQL unavailable: ${error.message}`;
    }
  }

  // -- lint ---------------------------------------------------------------------------

  renderLint(lint, payload) {
    if (!payload.snapshot) return emptyState("Lint findings appear after the first scan.");
    if (!lint) return h("p", { class: "unknown" }, `Safety lint: ${unknownText(payload.snapshot.unknown?.migration_lint)}`);
    const parts = [h("p", { class: "meta", dataset: { testid: "lint-summary" } }, lintSummary(lint))];
    if (lint.errors.length)
      parts.push(
        h("div", { class: "ms-parse-errors" }, h("p", { class: "unknown" }, `${lint.errors.length} file(s) could not be parsed, so they were not checked:`),
          h("ul", {}, lint.errors.map((e) => h("li", {}, h("code", {}, e.path), `: ${e.error}`)))),
      );
    const findings = lint.findings || [];
    if (!findings.length) {
      parts.push(h("p", { class: "ok" }, "No risky operations found."));
      return h("div", {}, parts);
    }
    const rows = findings.map((f) => {
      const href = docsHref(f.docs, payload.docs);
      const rule = href ? h("a", { href, target: "_blank", rel: "noopener" }, f.rule) : f.rule;
      const where = [f.path, f.line].filter((x) => x !== null && x !== undefined && x !== "").join(":");
      return h(
        "tr",
        { class: `severity-${f.severity}`, dataset: { testid: `lint-${f.rule}-${f.migration}-${f.operation}` } },
        h("td", {}, rule),
        h("td", {}, h("span", { class: `ms-badge ms-${f.severity}` }, f.severity)),
        h("td", {}, h("code", {}, `${f.app}.${f.migration}`), f.operation !== null && f.operation !== undefined ? ` #${f.operation}` : "", f.pending ? h("span", { class: "ms-badge ms-pending" }, "pending") : null),
        h("td", {}, h("strong", {}, f.title), h("br"), f.message),
        h("td", { class: "ms-path" }, where),
      );
    });
    const head = h("thead", {}, h("tr", {}, ["Rule", "Severity", "Migration", "Finding", "File"].map((t) => h("th", { scope: "col" }, t))));
    parts.push(scrollBox("Lint findings", h("table", { class: "ms-lint" }, head, h("tbody", {}, rows))));
    return h("div", {}, parts);
  }

  // -- rehearsals ---------------------------------------------------------------------

  renderRehearsals(rows, payload) {
    this.payload = payload;
    this.controls();
    rows = rows || [];
    this.settle(rows);
    if (!rows.length) return emptyState("No rehearsal yet.");
    const [latest, ...older] = rows;
    return h(
      "div",
      {},
      this.rehearsalCard(latest),
      older.length
        ? h("details", { class: "ms-older" }, h("summary", {}, `Earlier rehearsals (${older.length})`), older.map((row) => this.rehearsalCard(row)))
        : null,
    );
  }

  rehearsalCard(row) {
    const report = row.report;
    const parts = [h("p", { class: `ms-headline status-${row.status}`, dataset: { testid: `rehearsal-status-${row.id}` } }, rehearsalHeadline(row))];
    if (ACTIVE.has(row.status)) parts.push(h("progress", { max: 100, value: row.progress ?? 0, "aria-label": `Rehearsal #${row.id} progress` }, `${row.progress ?? 0}%`));
    if (report) {
      const facts = [];
      if (report.plan) facts.push(`plan: ${report.plan.length ? report.plan.map((p) => p.join(".")).join(", ") : "nothing pending"}`);
      if (report.copy_ms !== null && report.copy_ms !== undefined) facts.push(`copy ${report.copy_ms} ms`);
      if (report.sha256_before) facts.push(`sha256 ${String(report.sha256_before).slice(0, 12)}… before and ${String(report.sha256_after || "").slice(0, 12)}… after`);
      if (facts.length) parts.push(h("p", { class: "meta" }, facts.join(" · ")));
      const steps = stepRows(report);
      if (steps.length) {
        const head = h("thead", {}, h("tr", {}, ["Direction", "Migration", "Result", "Time"].map((t) => h("th", { scope: "col" }, t))));
        const body = h(
          "tbody",
          {},
          steps.map((s) =>
            h(
              "tr",
              { class: s.ok ? "step-ok" : "step-failed", dataset: { testid: `rehearsal-step-${s.direction}-${s.migration}` } },
              h("td", {}, s.direction),
              h("td", {}, h("code", {}, s.migration)),
              h("td", {}, s.ok ? "ok" : "failed", s.error ? h("div", { class: "error" }, s.error) : null,
                s.traceback ? h("details", {}, h("summary", {}, "Traceback"), h("pre", { class: "ms-traceback", tabindex: "0" }, s.traceback)) : null),
              h("td", { class: "ms-ms" }, s.time),
            ),
          ),
        );
        parts.push(scrollBox("Rehearsal steps", h("table", { class: "ms-steps", dataset: { testid: `rehearsal-steps-${row.id}` } }, head, body)));
      }
    }
    if (row.error && !(report && report.rehearsed === false) && row.status !== "failed") parts.push(h("pre", { class: "error" }, row.error));
    return h("div", { class: "ms-rehearsal", dataset: { testid: `rehearsal-${row.id}` } }, parts);
  }

  // The message about the rehearsal just requested follows it to its end (no stale text).
  settle(rows) {
    const row = rows.find((r) => r.id === this.pending);
    if (!row) return;
    if (ACTIVE.has(row.status)) {
      this.say(`Rehearsal #${row.id} ${row.status}…`);
      return;
    }
    this.pending = null;
    this.say(`Rehearsal #${row.id} ${row.status}.`, row.status === "succeeded" ? "info" : "error");
  }

  // Rehearse is pressable only on a trusted workspace with no rehearsal in flight.
  controls() {
    const payload = this.payload;
    const blocker = this.posting ? "Requesting a rehearsal…" : rehearseBlocker(payload, this.untrustedReason);
    this.rehearseButton.disabled = Boolean(blocker);
    this.reason.textContent = blocker;
    const running = (payload?.rehearsals || []).find((row) => ACTIVE.has(row.status));
    this.cancelButton.hidden = !running;
    this.cancelButton.disabled = !running || running.cancel_requested;
    this.cancelButton.dataset.rehearsal = running ? String(running.id) : "";
  }

  async rehearse(event) {
    event.preventDefault();
    if (this.rehearseButton.disabled) return;
    const database = this.rehearseForm.elements.database.value.trim() || "default";
    this.posting = true;
    this.controls();
    this.say("Rehearsing on a copy of the database…");
    try {
      const row = await requestJson(this.root.dataset.rehearsalsUrl, { method: "POST", body: { database }, csrf: this.csrf });
      this.pending = row.id;
      this.settle([row]);
    } catch (error) {
      this.say(error.message, "error");
    } finally {
      this.posting = false;
      this.controls();
    }
    await window.djdeskDashboard?.poller.pollNow();
  }

  async cancel() {
    const id = this.cancelButton.dataset.rehearsal;
    if (!id) return;
    this.cancelButton.disabled = true;
    try {
      const url = this.root.dataset.cancelUrl.replace(CANCEL_PLACEHOLDER, id);
      const row = await requestJson(url, { method: "POST", body: {}, csrf: this.csrf });
      this.say(`Rehearsal #${row.id}: cancel requested.`);
    } catch (error) {
      this.say(error.message, "error");
    }
    await window.djdeskDashboard?.poller.pollNow();
  }

  // -- schema history -----------------------------------------------------------------

  renderHistory(snapshots, payload) {
    this.renderPlan(payload);
    snapshots = snapshots || [];
    // A pick the user made survives a new snapshot; an untouched select follows the
    // default pair (the latest and the one before).
    const fill = (select, fallback) => {
      const chosen = select.value;
      const kept = chosen !== select.dataset.default && snapshots.some((s) => String(s.id) === chosen);
      const options = snapshots.map((s) => h("option", { value: String(s.id) }, snapshotOption(s)));
      if (!fallback) options.unshift(h("option", { value: "", disabled: true }, "no earlier snapshot"));
      select.replaceChildren(...options);
      select.value = kept ? chosen : fallback;
      select.dataset.default = fallback;
    };
    fill(this.toSelect, snapshots[0] ? String(snapshots[0].id) : "");
    fill(this.fromSelect, snapshots[1] ? String(snapshots[1].id) : "");
    const comparable = snapshots.length >= 2;
    this.compareButton.disabled = !comparable;
    this.fromSelect.disabled = this.toSelect.disabled = !comparable;
    if (!snapshots.length) return emptyState("Snapshots appear after the first scan.");
    if (!comparable) return h("p", { class: "meta", dataset: { testid: "history-note" } }, "Compare needs two snapshots: rescan after changing the models.");
    return h("p", { class: "meta", dataset: { testid: "history-note" } }, `${snapshots.length} recent snapshots; pick two to compare.`);
  }

  async compare(event) {
    event.preventDefault();
    if (this.compareButton.disabled) return;
    const params = new URLSearchParams({ from: this.fromSelect.value, to: this.toSelect.value });
    this.diffBox.replaceChildren(h("p", { class: "meta" }, "Comparing…"));
    try {
      this.diffBox.replaceChildren(this.renderDiff(await requestJson(`${this.root.dataset.diffUrl}?${params}`)));
    } catch (error) {
      this.diffBox.replaceChildren(h("p", { class: "error" }, `Compare failed: ${error.message}`));
    }
  }

  renderDiff(result) {
    const described = describeDiff(result);
    const title = h("p", { class: "meta", dataset: { testid: "diff-summary" } }, `#${result.from_snapshot} → #${result.to_snapshot}: ${described.summary}`);
    if (described.empty) return h("div", {}, title);
    return h(
      "div",
      {},
      title,
      h(
        "ul",
        { class: "ms-diff-models" },
        described.models.map((model) =>
          h(
            "li",
            { class: `ms-change-${model.change}`, dataset: { testid: `diff-${model.label}` } },
            h("code", {}, model.label),
            h("ul", {}, model.lines.map((line) => h("li", { class: `ms-change-${line.change}` }, h("span", { class: "ms-sign", "aria-hidden": "true" }, SIGNS[line.change]), line.text))),
          ),
        ),
      ),
    );
  }
}

const SIGNS = { added: "+ ", removed: "− ", changed: "~ " };

for (const root of document.querySelectorAll("[data-djdesk-migration-safety]")) {
  const panel = new MigrationSafety(root);
  root.djdeskPanel = panel;
  panel.start();
}
