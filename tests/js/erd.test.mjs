// node --test: the ERD's pure logic (what the schema view shows), without a browser.
import assert from "node:assert/strict";
import { test } from "node:test";

const erd = await import("../../src/djdesk_inspector/static/djdesk_inspector/js/erd.js");

const graph = {
  nodes: [
    { id: "fleet.Vehicle", columns: [["id", "BigAutoField", "PU"], ["plate", "CharField", "U"], ["depot", "ForeignKey", "N", "fleet.Depot"]] },
    { id: "fleet.Depot", columns: [["id", "BigAutoField", "PU"]] },
    { id: "crew.Driver", columns: [["id", "BigAutoField", "PU"], ["car", "ForeignKey", "", "fleet.Vehicle"]] },
    { id: "crew.Person", abstract: true, columns: [] },
    { id: "crew.Captain", columns: [] },
  ],
  edges: [
    { source: "fleet.Vehicle", target: "fleet.Depot", kind: "fk", field: "depot" },
    { source: "crew.Driver", target: "fleet.Vehicle", kind: "fk", field: "car" },
    { source: "crew.Captain", target: "crew.Person", kind: "inherits", field: null },
  ],
};

test("cards list fields with PK / FK / unique markers and a nullable mark", () => {
  const label = erd.cardLabel(graph.nodes[0]);
  assert.deepEqual(label.split("\n"), ["Vehicle", "", "PK id: BigAutoField", "U  plate: CharField", "FK depot?: → fleet.Depot"]);
  assert.equal(erd.cardLabel(graph.nodes[3]), "Person (abstract)");
  const many = { id: "a.Wide", columns: Array.from({ length: 20 }, (_, i) => [`f${i}`, "IntegerField", ""]) };
  assert.match(erd.cardLabel(many), /… 8 more$/);
});

test("card size grows with the longest line and the line count", () => {
  const small = erd.cardSize("A");
  const wide = erd.cardSize("A much longer line of text");
  const tall = erd.cardSize("A\nB\nC\nD");
  assert.ok(wide.width > small.width);
  assert.ok(tall.height > small.height);
});

test("models are grouped in one compound node per app", () => {
  const elements = erd.buildElements(graph);
  const groups = elements.filter((e) => e.group === "nodes" && e.classes.startsWith("app")).map((e) => e.data.id);
  assert.deepEqual(groups, ["app:crew", "app:fleet"]);
  const vehicle = elements.find((e) => e.data.id === "fleet.Vehicle");
  assert.equal(vehicle.data.parent, "app:fleet");
  const inherits = elements.find((e) => e.group === "edges" && e.classes === "inherits");
  assert.deepEqual([inherits.data.source, inherits.data.target, inherits.data.label], ["crew.Captain", "crew.Person", ""]);
});

test("the app filter keeps only that app's models and the relations among them", () => {
  const elements = erd.buildElements(graph, { app: "fleet" });
  const ids = elements.filter((e) => e.group === "nodes").map((e) => e.data.id).sort();
  assert.deepEqual(ids, ["app:fleet", "fleet.Depot", "fleet.Vehicle"]);
  const edges = elements.filter((e) => e.group === "edges");
  assert.deepEqual(edges.map((e) => [e.data.source, e.data.target]), [["fleet.Vehicle", "fleet.Depot"]]);
});

test("the overview collapses apps, merges their edges, and expands one on request", () => {
  const collapsed = erd.buildElements(graph, { overview: true });
  assert.equal(collapsed.filter((e) => e.classes?.includes("model")).length, 0);
  const merged = collapsed.filter((e) => e.group === "edges");
  assert.deepEqual(merged.map((e) => [e.data.source, e.data.target]), [["app:crew", "app:fleet"]]);
  assert.match(collapsed.find((e) => e.data.id === "app:crew").data.label, /3 models/);
  const expanded = erd.buildElements(graph, { overview: true, expanded: new Set(["fleet"]) });
  const models = expanded.filter((e) => e.classes?.includes("model")).map((e) => e.data.id).sort();
  assert.deepEqual(models, ["fleet.Depot", "fleet.Vehicle"]);
  const edges = expanded.filter((e) => e.group === "edges").map((e) => [e.data.source, e.data.target]);
  assert.deepEqual(edges, [["fleet.Vehicle", "fleet.Depot"], ["app:crew", "fleet.Vehicle"]]);
});

test("relations read in words, inheritance never as undefined", () => {
  const [fk, , inherits] = graph.edges;
  assert.equal(erd.relationText(fk, "fleet.Vehicle"), "depot → fleet.Depot (fk)");
  assert.equal(erd.relationText(fk, "fleet.Depot"), "fleet.Vehicle.depot → this model (fk)");
  assert.equal(erd.relationText(inherits, "crew.Captain"), "inherits from crew.Person");
  assert.equal(erd.relationText(inherits, "crew.Person"), "crew.Captain inherits from this model");
});

test("search ranks exact names first and ignores case", () => {
  assert.deepEqual(erd.searchModels(graph, "VEHICLE").map((n) => n.id), ["fleet.Vehicle"]);
  assert.deepEqual(erd.searchModels(graph, "crew.").map((n) => n.id), ["crew.Captain", "crew.Driver", "crew.Person"]);
  assert.deepEqual(erd.searchModels(graph, "  "), []);
});

test("the default zoom never starts below the readable minimum", () => {
  assert.equal(erd.defaultZoom(0.2), erd.MIN_DEFAULT_ZOOM);
  assert.equal(erd.defaultZoom(1), 1);
  assert.ok(erd.NAME_FONT * erd.MIN_DEFAULT_ZOOM >= 11);
});

test("a wheel notch zooms by a fixed step either way; huge deltas are capped", () => {
  const inStep = erd.wheelFactor({ deltaY: -100, deltaMode: 0 });
  const outStep = erd.wheelFactor({ deltaY: 100, deltaMode: 0 });
  assert.ok(inStep > 1.2 && inStep < 1.3);
  assert.ok(Math.abs(inStep * outStep - 1) < 1e-9);
  assert.equal(erd.wheelFactor({ deltaY: -3, deltaMode: 1 }), erd.wheelFactor({ deltaY: -99, deltaMode: 0 }));
  assert.equal(erd.wheelFactor({ deltaY: -10000 }), 2);
});

test("the SVG export escapes names and draws every card", () => {
  const svg = erd.svgDocument(
    [
      { x: 0, y: 0, width: 100, height: 40, label: "Vehicle\n\nPK id: <BigAutoField>", app: "fleet", kind: "card" },
      { x: 0, y: 0, width: 140, height: 80, label: "fleet", app: "fleet", kind: "group" },
    ],
    [{ x1: 0, y1: 0, x2: 50, y2: 50, kind: "inherits" }],
  );
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes("&lt;BigAutoField&gt;"));
  assert.ok(!svg.includes("<BigAutoField>"));
  assert.equal((svg.match(/<rect /g) || []).length, 3); // background, group, card
  assert.ok(svg.includes('stroke="#8250df"'));
});
