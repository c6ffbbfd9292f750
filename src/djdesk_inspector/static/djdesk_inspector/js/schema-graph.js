// Schema panel: an interactive model graph (pan, zoom, filter by app, click a model for
// its fields and relations) drawn with the vendored Cytoscape. Positions are computed
// here, one cluster per app, so 300 models lay out in O(n) without a physics simulation.
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.js";
import { h } from "./dom.js";

const PALETTE = ["#0b6bcb", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#0a7ea4", "#bf3989", "#57606a"];
const CELL = 150;

const appOf = (node) => node.id.split(".")[0];
const nameOf = (node) => node.id.slice(node.id.indexOf(".") + 1);

export function layout(nodes) {
  const apps = [...new Set(nodes.map(appOf))].sort();
  const byApp = Object.fromEntries(apps.map((a) => [a, []]));
  for (const node of nodes) byApp[appOf(node)].push(node);
  const appCols = Math.ceil(Math.sqrt(apps.length));
  const positions = {};
  let maxSide = 1;
  for (const app of apps) maxSide = Math.max(maxSide, Math.ceil(Math.sqrt(byApp[app].length)));
  apps.forEach((app, i) => {
    const ox = (i % appCols) * (maxSide + 1) * CELL;
    const oy = Math.floor(i / appCols) * (maxSide + 1) * CELL * 0.6;
    const side = Math.ceil(Math.sqrt(byApp[app].length));
    byApp[app].forEach((node, j) => {
      positions[node.id] = { x: ox + (j % side) * CELL, y: oy + Math.floor(j / side) * CELL * 0.6 };
    });
  });
  return { apps, positions };
}

function elements(graph, positions, colours) {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return [
    ...graph.nodes.map((n) => ({
      group: "nodes",
      data: { id: n.id, label: nameOf(n), app: appOf(n), colour: colours[appOf(n)] },
      position: positions[n.id],
      classes: [n.abstract ? "abstract" : "", n.proxy ? "proxy" : ""].join(" ").trim(),
    })),
    ...(graph.edges || [])
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e, i) => ({ group: "edges", data: { id: `e${i}`, source: e.source, target: e.target, kind: e.kind, field: e.field } })),
  ];
}

// Large graphs skip labels until zoomed in: drawing 300 labels dominates the first frame.
const LABELS_WHEN_ZOOMED_AFTER = 150;

const style = (nodeCount) => [
  { selector: "node", style: { label: "data(label)", "background-color": "data(colour)", "font-size": 11, "min-zoomed-font-size": nodeCount > LABELS_WHEN_ZOOMED_AFTER ? 7 : 0, width: 16, height: 16, color: "#1d232b", "text-valign": "bottom", "text-margin-y": 3 } },
  { selector: "node.abstract", style: { "border-width": 2, "border-style": "dashed", "background-opacity": 0.3 } },
  { selector: "node.proxy", style: { shape: "diamond" } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#14202e" } },
  { selector: "edge", style: { width: 1, "curve-style": "straight", "target-arrow-shape": "triangle", "arrow-scale": 0.6, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1" } },
  { selector: 'edge[kind = "m2m"]', style: { "line-style": "dashed" } },
  { selector: ".faded", style: { display: "none" } },
];

export function renderSchema(graph, _apps, { detailUrl } = {}) {
  const { apps, positions } = layout(graph.nodes);
  const colours = Object.fromEntries(apps.map((a, i) => [a, PALETTE[i % PALETTE.length]]));
  const canvas = h("div", { class: "schema-canvas", dataset: { testid: "schema-canvas" } });
  const detail = h("div", { class: "schema-detail", "aria-live": "polite", dataset: { testid: "schema-detail" } }, "Click a model to see its fields and relations.");
  const filter = h(
    "select",
    { "aria-label": "Filter by app", dataset: { testid: "schema-filter" } },
    h("option", { value: "" }, "All apps"),
    apps.map((a) => h("option", { value: a }, a)),
  );
  const wrapper = h("div", { class: "schema" }, h("p", { class: "meta" }, `${graph.nodes.length} models, ${(graph.edges || []).length} relations · drag to pan, scroll to zoom`), filter, canvas, detail);

  // Cytoscape needs the container in the document to measure it.
  queueMicrotask(() => {
    const started = performance.now();
    const cy = cytoscape({ container: canvas, elements: elements(graph, positions, colours), style: style(graph.nodes.length), layout: { name: "preset" }, minZoom: 0.05, maxZoom: 4, hideEdgesOnViewport: graph.nodes.length > LABELS_WHEN_ZOOMED_AFTER, textureOnViewport: graph.nodes.length > LABELS_WHEN_ZOOMED_AFTER });
    cy.fit(undefined, 20);
    cy.one("render", () => {
      // Measured for bench/schema_graph.py: graph build + first frame, and page time then.
      canvas.dataset.drawMs = String(Math.round(performance.now() - started));
      canvas.dataset.drawnAt = String(Math.round(performance.now()));
      canvas.dataset.nodes = String(cy.nodes().length);
    });
    filter.addEventListener("change", () => {
      const app = filter.value;
      cy.batch(() => {
        cy.elements().removeClass("faded");
        if (app) {
          const keep = cy.nodes(`[app = "${CSS.escape(app)}"]`);
          cy.elements().not(keep.union(keep.connectedEdges()).union(keep.connectedEdges().connectedNodes())).addClass("faded");
        }
      });
      cy.fit(cy.elements(":visible"), 20);
    });
    cy.on("tap", "node", (event) => showDetail(event.target.id(), graph, detail, detailUrl));
    canvas.cy = cy; // for tests and the console
  });
  return wrapper;
}

async function showDetail(label, graph, detail, detailUrl) {
  const outgoing = (graph.edges || []).filter((e) => e.source === label);
  const incoming = (graph.edges || []).filter((e) => e.target === label);
  const relations = h(
    "ul",
    {},
    outgoing.map((e) => h("li", {}, `${e.field} → ${e.target} (${e.kind})`)),
    incoming.map((e) => h("li", {}, `${e.source}.${e.field} → here (${e.kind})`)),
  );
  detail.replaceChildren(h("strong", {}, label), relations);
  if (!detailUrl) return;
  const response = await fetch(`${detailUrl}${encodeURIComponent(label)}/`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const model = await response.json();
  detail.append(
    h("table", {}, h("thead", {}, h("tr", {}, ["Field", "Type", "Null", "Unique", "Relation"].map((t) => h("th", {}, t)))),
      h("tbody", {}, (model.fields || []).map((f) => h("tr", {}, h("td", {}, f.name), h("td", {}, f.type || ""), h("td", {}, f.null ? "yes" : ""), h("td", {}, f.unique || f.primary_key ? "yes" : ""), h("td", {}, f.relation ? `${f.relation.kind} → ${f.relation.target || "any model"}` : ""))))),
  );
}
