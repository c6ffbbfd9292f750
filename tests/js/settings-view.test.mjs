// node --test: settings values become a structure (maps, lists, scalars), never JSON text.
import assert from "node:assert/strict";
import { test } from "node:test";

const { toTree } = await import("../../src/djdesk_inspector/static/djdesk_inspector/js/settings-view.js");

test("nested dicts and lists keep their shape", () => {
  const tree = toTree({ default: { ENGINE: "django.db.backends.sqlite3", OPTIONS: {}, NAME: null, TEST: { MIRROR: false } } });
  assert.equal(tree.type, "map");
  const [key, inner] = tree.entries[0];
  assert.equal(key, "default");
  assert.deepEqual(inner.entries.map(([k, v]) => [k, v.type, v.text]), [
    ["ENGINE", "scalar", "django.db.backends.sqlite3"],
    ["OPTIONS", "scalar", "{} (empty)"],
    ["NAME", "unknown", undefined],
    ["TEST", "map", undefined],
  ]);
});

test("lists become items; empty values say they are empty", () => {
  assert.deepEqual(toTree(["a", 2, true]), { type: "list", items: [{ type: "scalar", text: "a" }, { type: "scalar", text: "2" }, { type: "scalar", text: "true" }] });
  assert.deepEqual(toTree([]), { type: "scalar", text: "[] (empty)" });
  assert.deepEqual(toTree(""), { type: "scalar", text: '"" (empty)' });
  assert.deepEqual(toTree(undefined), { type: "unknown" });
});
