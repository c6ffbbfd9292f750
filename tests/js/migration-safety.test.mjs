// node --test: the "Before you migrate" panel's pure helpers (migration-safety-data.js).
import assert from "node:assert/strict";
import { test } from "node:test";

const data = await import("../../src/djdesk_inspector/static/djdesk_inspector/js/migration-safety-data.js");

// The shape schema_diff.diff() answers with (src/djdesk_inspector/inspection/schema_diff.py).
const DIFF = {
  from_snapshot: 1,
  to_snapshot: 2,
  models: {
    added: [{ label: "shop.Tag", db_table: "shop_tag", fields: ["id", "name"] }],
    removed: [{ label: "shop.Old", db_table: "shop_old", fields: ["id"] }],
    changed: [
      {
        label: "shop.Item",
        attributes: { db_table: ["shop_item", "shop_items"] },
        fields_added: [{ name: "weight", type: "IntegerField", column: "weight", null: true, unique: false, primary_key: false }],
        fields_removed: [{ name: "legacy", type: "CharField" }],
        fields_changed: [
          { name: "name", changes: { type: ["CharField", "TextField"], null: [false, true] } },
          { name: "owner", changes: { relation: [{ kind: "fk", target: "auth.User" }, { kind: "fk", target: "shop.Person" }] } },
        ],
      },
    ],
  },
  summary: { models_added: 1, models_removed: 1, models_changed: 1, fields_added: 1, fields_removed: 1, fields_changed: 2, relations_changed: 1 },
  empty: false,
};

test("a diff becomes one entry per model with a line per change", () => {
  const described = data.describeDiff(DIFF);
  assert.equal(described.empty, false);
  assert.deepEqual(
    described.models.map((m) => [m.change, m.label]),
    [["added", "shop.Tag"], ["removed", "shop.Old"], ["changed", "shop.Item"]],
  );
  assert.deepEqual(described.models[0].lines, [{ change: "added", text: "model added (table shop_tag): id, name" }]);
  assert.deepEqual(described.models[2].lines, [
    { change: "changed", text: "db_table: shop_item → shop_items" },
    { change: "added", text: "field weight added (IntegerField, null)" },
    { change: "removed", text: "field legacy removed (CharField)" },
    { change: "changed", text: "field name: type CharField → TextField; null false → true" },
    { change: "changed", text: "field owner: relation fk → auth.User → fk → shop.Person" },
  ]);
  assert.equal(described.summary, "Models: 1 added, 1 removed, 1 changed; fields: 1 added, 1 removed, 2 changed; 1 relation changed.");
});

test("an empty diff says so and lists nothing", () => {
  const described = data.describeDiff({ models: { added: [], removed: [], changed: [] }, summary: {}, empty: true });
  assert.equal(described.summary, "No schema changes between these snapshots.");
  assert.deepEqual(described.models, []);
});

test("an unknown plan is never shown as an empty one", () => {
  const unknown = data.planState({ plan: null }, { "migrations.plan": "database is not reachable" });
  assert.deepEqual(unknown, { kind: "unknown", text: "Pending plan: unknown (database is not reachable)" });
  assert.equal(data.planState({ plan: null }, {}).text, "Pending plan: unknown (not read)");
  assert.equal(data.planState({ plan: [] }, {}).kind, "none");
  assert.equal(data.planState(null, {}).kind, "empty");
  const steps = data.planState({ plan: [{ app: "shop", name: "0002_label" }] }, {});
  assert.equal(steps.text, "1 migration pending, in the order migrate applies them:");
});

test("a plan step notes its statements, SQL errors and non-atomic migrations", () => {
  assert.equal(data.stepNote({ statements: 3, atomic: true, sql_error: null }), "3 SQL statements");
  assert.equal(data.stepNote({ statements: 1, atomic: false, sql_error: null }), "1 SQL statement · non-atomic");
  assert.equal(data.stepNote({ statements: null, atomic: true, sql_error: "boom" }), "SQL unavailable: boom");
});

test("rehearsal headlines follow the row through its life", () => {
  assert.equal(data.rehearsalHeadline({ id: 4, status: "running", progress: 40, progress_message: "shop.0002_label forward" }), "Rehearsal #4 running, 40%: shop.0002_label forward");
  assert.equal(data.rehearsalHeadline({ id: 4, status: "queued", progress: 0, cancel_requested: true }), "Rehearsal #4 queued, 0% (cancelling)");
  assert.equal(
    data.rehearsalHeadline({ id: 4, status: "succeeded", report: { rehearsed: true, forward_ok: true, rollback_ok: true, real_database_untouched: true } }),
    "Rehearsal #4 succeeded: forward yes, rollback yes, real database untouched yes.",
  );
  assert.equal(
    data.rehearsalHeadline({ id: 5, status: "succeeded", report: { rehearsed: true, forward_ok: true, rollback_ok: null, real_database_untouched: null } }),
    "Rehearsal #5 succeeded: forward yes, rollback unknown, real database untouched unknown.",
  );
  assert.equal(data.rehearsalHeadline({ id: 6, status: "failed", error: "The rollback step failed.", report: { rehearsed: true } }), "Rehearsal #6 failed: The rollback step failed.");
  assert.equal(data.rehearsalHeadline({ id: 7, status: "succeeded", report: { rehearsed: false, reason: "not created yet" } }), "Rehearsal #7 did not rehearse: not created yet.");
  assert.equal(data.rehearsalHeadline({ id: 8, status: "cancelled" }), "Rehearsal #8 cancelled.");
});

test("steps are listed forward then backward with their time", () => {
  const rows = data.stepRows({
    forward: [{ app: "shop", migration: "0002_label", direction: "forward", ok: true, ms: 12, error: null, traceback: null }],
    backward: [{ app: "shop", migration: "0001_initial", direction: "backward", ok: false, ms: null, error: "IrreversibleError", traceback: "Traceback..." }],
  });
  assert.deepEqual(rows, [
    { direction: "forward", migration: "shop.0002_label", ok: true, time: "12 ms", error: "", traceback: "" },
    { direction: "backward", migration: "shop.0001_initial", ok: false, time: "unknown (not timed)", error: "IrreversibleError", traceback: "Traceback..." },
  ]);
});

test("Rehearse is blocked on an untrusted workspace and while one runs", () => {
  const reason = "trust the workspace first";
  assert.equal(data.rehearseBlocker({ workspace: { trusted: false }, rehearsals: [] }, reason), reason);
  assert.equal(data.rehearseBlocker({ workspace: { trusted: true }, rehearsals: [{ id: 3, status: "running" }] }, reason), "Rehearsal #3 is running.");
  assert.equal(data.rehearseBlocker({ workspace: { trusted: true }, rehearsals: [{ id: 3, status: "failed" }] }, reason), "");
});

test("rule links go to the offline docs when installed, else online", () => {
  const offline = { links: [{ key: "index", url: "/djdesk/docs/index.html" }] };
  assert.equal(data.docsHref("migrations.html#drop-column", offline), "/djdesk/docs/migrations.html#drop-column");
  assert.equal(data.docsHref("migrations.html#drop-column", undefined), `${data.ONLINE_DOCS}migrations.html#drop-column`);
  assert.equal(data.docsHref("", offline), null);
});

test("the lint summary counts by severity and names its source", () => {
  const text = data.lintSummary({ source: "ast", summary: { error: 1, warning: 2, info: 0 }, truncated: 0 });
  assert.equal(text, "1 error, 2 warnings, 0 info · migration files parsed with ast (nothing ran)");
  assert.match(data.lintSummary({ source: "loader", summary: {}, truncated: 5 }), /\(5 more not shown\)$/);
  assert.equal(data.lintSummary(null), null);
});
