// Settings values as a readable structure: a dict becomes a nested definition list, a
// list a bullet list, a scalar one code span. `toTree` is pure (tests/js/settings-view.test.mjs).

export function toTree(value) {
  if (value === null || value === undefined) return { type: "unknown" };
  if (Array.isArray(value)) return value.length ? { type: "list", items: value.map(toTree) } : { type: "scalar", text: "[] (empty)" };
  if (typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length ? { type: "map", entries: entries.map(([key, item]) => [key, toTree(item)]) } : { type: "scalar", text: "{} (empty)" };
  }
  if (typeof value === "string") return { type: "scalar", text: value === "" ? '"" (empty)' : value };
  return { type: "scalar", text: String(value) };
}

// Builds DOM from a tree with the dashboard's `h`; `unknown` renders the reason.
export function renderTree(tree, h, unknown) {
  if (tree.type === "unknown") return unknown();
  if (tree.type === "scalar") return h("code", { class: "value" }, tree.text);
  if (tree.type === "list") return h("ul", { class: "value-list" }, tree.items.map((item) => h("li", {}, renderTree(item, h, unknown))));
  return h("dl", { class: "kv" }, tree.entries.map(([key, item]) => [h("dt", {}, key), h("dd", {}, renderTree(item, h, unknown))]));
}
