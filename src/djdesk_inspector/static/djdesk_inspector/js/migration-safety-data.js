// Pure helpers for the "Before you migrate" panel: payload slices in, plain data and
// sentences out. No DOM here, so node --test checks them (tests/js/migration-safety.test.mjs).

export const ACTIVE = new Set(["queued", "running"]);
export const ONLINE_DOCS = "https://djdesk-inspector.readthedocs.io/en/latest/";

export const unknownText = (reason) => `unknown (${reason || "not read"})`;

const plural = (count, noun, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

// A value of a field attribute or relation as a reviewer reads it.
export function formatValue(value) {
  if (value === null || value === undefined) return "none";
  if (typeof value === "object") {
    if (value.kind || value.target) {
      const through = value.through ? ` through ${value.through}` : "";
      return `${value.kind || "relation"} → ${value.target || "?"}${through}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

const changeText = (changes) =>
  Object.entries(changes || {})
    .map(([key, [before, after]]) => `${key} ${formatValue(before)} → ${formatValue(after)}`)
    .join("; ");

// The diff endpoint's answer as {summary, empty, models: [{change, label, lines: [{change, text}]}]}.
export function describeDiff(result) {
  const models = result?.models || {};
  const entries = [];
  for (const model of models.added || []) {
    const table = model.db_table ? ` (table ${model.db_table})` : "";
    const fields = (model.fields || []).filter(Boolean);
    entries.push({
      change: "added",
      label: model.label,
      lines: [{ change: "added", text: `model added${table}${fields.length ? `: ${fields.join(", ")}` : ""}` }],
    });
  }
  for (const model of models.removed || []) {
    const table = model.db_table ? ` (table ${model.db_table})` : "";
    entries.push({ change: "removed", label: model.label, lines: [{ change: "removed", text: `model removed${table}` }] });
  }
  for (const model of models.changed || []) {
    const lines = [];
    for (const [key, [before, after]] of Object.entries(model.attributes || {}))
      lines.push({ change: "changed", text: `${key}: ${formatValue(before)} → ${formatValue(after)}` });
    for (const field of model.fields_added || []) {
      const flags = [field.type, field.null ? "null" : null, field.unique ? "unique" : null].filter(Boolean).join(", ");
      lines.push({ change: "added", text: `field ${field.name} added${flags ? ` (${flags})` : ""}` });
    }
    for (const field of model.fields_removed || [])
      lines.push({ change: "removed", text: `field ${field.name} removed${field.type ? ` (${field.type})` : ""}` });
    for (const field of model.fields_changed || [])
      lines.push({ change: "changed", text: `field ${field.name}: ${changeText(field.changes)}` });
    entries.push({ change: "changed", label: model.label, lines });
  }
  const s = result?.summary || {};
  const summary = result?.empty
    ? "No schema changes between these snapshots."
    : [
        `Models: ${s.models_added || 0} added, ${s.models_removed || 0} removed, ${s.models_changed || 0} changed`,
        `fields: ${s.fields_added || 0} added, ${s.fields_removed || 0} removed, ${s.fields_changed || 0} changed`,
        s.relations_changed ? plural(s.relations_changed, "relation changed", "relations changed") : null,
      ]
        .filter(Boolean)
        .join("; ") + ".";
  return { summary, empty: Boolean(result?.empty), models: entries };
}

// What the plan slice says, for the panel's first line.
export function planState(migrations, unknown) {
  if (migrations === null || migrations === undefined) return { kind: "empty", text: "The plan appears after the first scan." };
  if (migrations.plan === null || migrations.plan === undefined)
    return { kind: "unknown", text: `Pending plan: ${unknownText(unknown?.["migrations.plan"])}` };
  if (!migrations.plan.length) return { kind: "none", text: "No pending migrations: migrate has nothing to apply." };
  return { kind: "steps", text: `${plural(migrations.plan.length, "migration")} pending, in the order migrate applies them:` };
}

export function stepNote(step) {
  const notes = [];
  if (step.sql_error) notes.push(`SQL unavailable: ${step.sql_error}`);
  else if (step.statements !== null && step.statements !== undefined) notes.push(plural(step.statements, "SQL statement"));
  if (step.atomic === false) notes.push("non-atomic");
  return notes.join(" · ");
}

const SOURCES = { loader: "operations read from Django's migration loader", ast: "migration files parsed with ast (nothing ran)" };

export function lintSummary(lint) {
  if (!lint) return null;
  const s = lint.summary || {};
  const counts = `${plural(s.error || 0, "error")}, ${plural(s.warning || 0, "warning")}, ${s.info || 0} info`;
  const source = SOURCES[lint.source] || (lint.source ? `source: ${lint.source}` : "");
  const truncated = lint.truncated ? ` (${lint.truncated} more not shown)` : "";
  return `${counts}${source ? ` · ${source}` : ""}${truncated}`;
}

// Where a rule's explanation lives: the offline docs when installed, else the online page.
export function docsHref(docsPath, docsSection) {
  if (!docsPath) return null;
  const index = (docsSection?.links || []).find((link) => link.key === "index")?.url;
  if (index && index.endsWith("index.html")) return index.slice(0, -"index.html".length) + docsPath;
  return ONLINE_DOCS + docsPath;
}

const MARK = { true: "yes", false: "no" };
const yesNo = (value) => MARK[value] ?? "unknown";

// One sentence for a rehearsal, whatever state it is in.
export function rehearsalHeadline(row) {
  const id = `Rehearsal #${row.id}`;
  if (ACTIVE.has(row.status)) {
    const message = row.progress_message ? `: ${row.progress_message}` : "";
    const cancelling = row.cancel_requested ? " (cancelling)" : "";
    return `${id} ${row.status}, ${row.progress ?? 0}%${message}${cancelling}`;
  }
  const report = row.report;
  if (row.status === "cancelled") return `${id} cancelled.`;
  if (report && report.rehearsed === false) return `${id} did not rehearse: ${report.reason || row.error || "no reason given"}.`;
  if (row.status === "failed") return `${id} failed: ${row.error || "no error recorded"}`;
  if (!report) return `${id} ${row.status}.`;
  return `${id} ${row.status}: forward ${yesNo(report.forward_ok)}, rollback ${yesNo(report.rollback_ok)}, real database untouched ${yesNo(report.real_database_untouched)}.`;
}

// The timed steps, forward then backward, with a readable duration.
export function stepRows(report) {
  const steps = [...(report?.forward || []), ...(report?.backward || [])];
  return steps.map((step) => ({
    direction: step.direction,
    migration: `${step.app}.${step.migration}`,
    ok: step.ok,
    time: step.ms === null || step.ms === undefined ? "unknown (not timed)" : `${step.ms} ms`,
    error: step.error || "",
    traceback: step.traceback || "",
  }));
}

// Why "Rehearse" is disabled right now, or "" when it may be pressed.
export function rehearseBlocker(payload, untrustedReason) {
  if (!payload?.workspace?.trusted) return untrustedReason;
  const running = (payload.rehearsals || []).find((row) => ACTIVE.has(row.status));
  if (running) return `Rehearsal #${running.id} is ${running.status}.`;
  return "";
}

export function snapshotOption(snapshot) {
  const when = snapshot.created_at ? new Date(snapshot.created_at).toLocaleString() : "unknown time";
  return `#${snapshot.id} · ${snapshot.mode} · ${when}`;
}
