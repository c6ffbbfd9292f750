// Schema panel: an ERD (model cards with their fields, grouped by app, laid out in
// layers by the vendored dagre through cytoscape-dagre) with search, an app filter,
// an app-level overview for large projects, and SVG / PNG export. What is shown is
// decided by the pure functions in erd.js.
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.js";
import { h } from "./dom.js";
import { appOf, buildElements, defaultZoom, wheelFactor, groupId, NAME_FONT, OVERVIEW_AFTER, relationText, searchModels, svgDocument } from "./erd.js";

const PALETTE = ["#0b6bcb", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#0a7ea4", "#bf3989", "#57606a"];
// cytoscape-dagre and dagre are classic UMD scripts loaded before this module.
const HAS_DAGRE = typeof window !== "undefined" && Boolean(window.cytoscapeDagre && window.dagre);
if (HAS_DAGRE) cytoscape.use(window.cytoscapeDagre);

const css = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

function style() {
  const ink = css("--ink", "#1d232b");
  const panel = css("--panel", "#ffffff");
  const muted = css("--muted", "#5d6875");
  return [
    { selector: "node.model", style: { shape: "round-rectangle", width: "data(width)", height: "data(height)", label: "data(label)", "text-wrap": "wrap", "text-valign": "center", "text-halign": "center", "text-justification": "left", "font-family": "ui-monospace, Consolas, monospace", "font-size": NAME_FONT, color: ink, "background-color": panel, "border-width": 2, "border-color": "data(colour)" } },
    { selector: "node.model.abstract", style: { "border-style": "dashed" } },
    { selector: "node.model.proxy", style: { "border-style": "double", "border-width": 4 } },
    { selector: "node.app", style: { shape: "round-rectangle", label: "data(label)", "text-valign": "top", "text-halign": "center", "font-size": NAME_FONT + 3, "font-weight": "bold", color: ink, "background-color": "data(colour)", "background-opacity": 0.07, "border-width": 1, "border-color": "data(colour)", padding: 16 } },
    { selector: "node.app.collapsed", style: { width: "data(width)", height: "data(height)", "text-wrap": "wrap", "text-valign": "center", "background-opacity": 0.18, "border-width": 2 } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": css("--accent", "#0b6bcb") } },
    { selector: "edge", style: { width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.9, "line-color": muted, "target-arrow-color": muted, label: "data(label)", "font-size": 10, color: muted, "text-background-color": panel, "text-background-opacity": 1, "text-rotation": "autorotate" } },
    { selector: "edge.m2m", style: { "line-style": "dashed" } },
    { selector: "edge.inherits", style: { width: 2.5, "line-color": "#8250df", "target-arrow-color": "#8250df", "target-arrow-shape": "triangle", "target-arrow-fill": "hollow", "arrow-scale": 1.4 } },
    { selector: "edge.merged", style: { width: 2 } },
  ];
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function renderSchema(graph, _apps, { detailUrl, workspace = "schema" } = {}) {
  const apps = [...new Set(graph.nodes.map(appOf))].sort();
  const colours = Object.fromEntries(apps.map((a, i) => [a, PALETTE[i % PALETTE.length]]));
  const large = graph.nodes.length > OVERVIEW_AFTER;
  const state = { app: "", overview: large, expanded: new Set() };

  const canvas = h("div", { class: "schema-canvas", dataset: { testid: "schema-canvas" }, tabindex: "0", role: "region", "aria-label": "Model diagram: drag to pan, scroll to zoom" });
  const detail = h("div", { class: "schema-detail", "aria-live": "polite", dataset: { testid: "schema-detail" } }, "Click a model (or search for one) to see its fields and relations.");
  const filter = h("select", { "aria-label": "Filter by app", dataset: { testid: "schema-filter" } }, h("option", { value: "" }, "All apps"), apps.map((a) => h("option", { value: a }, a)));
  const search = h("input", { type: "search", placeholder: "Find a model", "aria-label": "Find a model", list: "schema-models", dataset: { testid: "schema-search" } });
  const names = h("datalist", { id: "schema-models" }, graph.nodes.map((n) => h("option", { value: n.id })));
  const fit = h("button", { type: "button", dataset: { testid: "schema-fit" } }, "Fit");
  const svg = h("button", { type: "button", dataset: { testid: "schema-export-svg" } }, "Export SVG");
  const png = h("button", { type: "button", dataset: { testid: "schema-export-png" } }, "Export PNG");
  const hint = large ? ` · ${apps.length} apps shown collapsed: click an app to expand it` : "";
  const legend = h("p", { class: "meta legend" }, "PK primary key · FK foreign key · U unique · ? nullable · dashed line: many-to-many · purple hollow arrow: inherits");
  const toolbar = h("div", { class: "schema-toolbar" }, search, names, filter, fit, svg, png);
  const wrapper = h("div", { class: "schema" }, h("p", { class: "meta" }, `${graph.nodes.length} models, ${(graph.edges || []).length} relations · drag to pan, scroll to zoom${hint}`), toolbar, canvas, legend, detail);

  queueMicrotask(() => {
    const started = performance.now();
    const cy = cytoscape({ container: canvas, style: style(), minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.6, boxSelectionEnabled: false, hideEdgesOnViewport: large, textureOnViewport: large });

    const place = (focus) => {
      const padding = 24;
      cy.fit(focus && focus.length ? focus : undefined, padding);
      const zoom = defaultZoom(cy.zoom());
      if (zoom !== cy.zoom()) {
        // Too many to fit readably: start at a readable zoom from the top left.
        const box = (focus && focus.length ? focus : cy.elements()).boundingBox();
        cy.zoom(zoom);
        cy.pan({ x: padding - box.x1 * zoom, y: padding - box.y1 * zoom });
      }
      canvas.dataset.zoom = String(cy.zoom());
    };

    const draw = (focus) => {
      const elements = buildElements(graph, state).map((el) => ({ ...el, data: { ...el.data, colour: colours[el.data.app] || PALETTE[7] } }));
      cy.batch(() => {
        cy.elements().remove();
        cy.add(elements);
      });
      const layout = HAS_DAGRE
        ? { name: "dagre", rankDir: "TB", nodeSep: 30, rankSep: 60, fit: false, animate: false }
        : { name: "grid", fit: false, avoidOverlap: true };
      cy.layout(layout).run();
      place(typeof focus === "function" ? focus() : focus);
      canvas.dataset.nodes = String(cy.nodes(".model").length);
      canvas.dataset.groups = String(cy.nodes(".app").length);
    };

    cy.one("render", () => {
      // Measured by bench/dashboard.py: graph build + layout + first frame.
      canvas.dataset.drawMs = String(Math.round(performance.now() - started));
      canvas.dataset.drawnAt = String(Math.round(performance.now()));
    });
    draw();

    const focusModel = (id) => {
      const node = graph.nodes.find((n) => n.id === id);
      if (!node) return false;
      if (state.app && state.app !== appOf(node)) {
        state.app = "";
        filter.value = "";
      }
      if (state.overview && !state.expanded.has(appOf(node))) {
        state.expanded.add(appOf(node));
        draw();
      }
      const target = cy.$id(id);
      cy.elements().unselect();
      target.select();
      cy.zoom(Math.max(cy.zoom(), 1));
      cy.center(target);
      canvas.dataset.focused = id;
      canvas.dataset.zoom = String(cy.zoom());
      showDetail(id, graph, detail, detailUrl);
      return true;
    };

    filter.addEventListener("change", () => {
      state.app = filter.value;
      draw();
    });
    const runSearch = () => {
      const hit = searchModels(graph, search.value)[0];
      search.setCustomValidity(hit || !search.value ? "" : "No model matches");
      if (hit) focusModel(hit.id);
    };
    search.addEventListener("change", runSearch);
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        runSearch();
      }
    });
    fit.addEventListener("click", () => place());
    // Wheel zoom in even steps (x1.26 per notch), replacing Cytoscape's, which
    // calibrates on the first events and then moves ~3% per notch.
    wrapper.addEventListener(
      "wheel",
      (event) => {
        if (!canvas.contains(event.target)) return;
        event.preventDefault();
        event.stopPropagation();
        const rect = canvas.getBoundingClientRect();
        const level = cy.zoom() * wheelFactor(event);
        cy.zoom({ level, renderedPosition: { x: event.clientX - rect.left, y: event.clientY - rect.top } });
        canvas.dataset.zoom = String(cy.zoom());
      },
      { capture: true, passive: false },
    );
    cy.on("tap", "node.model", (event) => showDetail(event.target.id(), graph, detail, detailUrl));
    cy.on("tap", "node.app", (event) => {
      const app = event.target.data("app");
      if (!state.overview) return;
      if (state.expanded.has(app)) state.expanded.delete(app);
      else state.expanded.add(app);
      draw(() => cy.$id(groupId(app)));
    });
    png.addEventListener("click", () => download(`${workspace}-schema.png`, cy.png({ full: true, scale: 2, bg: "#ffffff", output: "blob" })));
    svg.addEventListener("click", () => download(`${workspace}-schema.svg`, new Blob([exportSvg(cy, colours)], { type: "image/svg+xml" })));
    canvas.cy = cy; // for tests and the console
    canvas.exportSvg = () => exportSvg(cy, colours);
  });
  return wrapper;
}

function exportSvg(cy, colours) {
  const nodes = cy.nodes().map((n) => {
    const box = n.boundingBox({ includeLabels: false, includeOverlays: false });
    return { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2, width: box.w, height: box.h, label: n.data("label") || "", app: n.data("app"), kind: n.isParent() ? "group" : "card" };
  });
  const edges = cy.edges().map((e) => {
    const s = e.sourceEndpoint();
    const t = e.targetEndpoint();
    return { x1: s.x, y1: s.y, x2: t.x, y2: t.y, kind: e.data("kind") };
  });
  return svgDocument(nodes, edges, { colours });
}

async function showDetail(label, graph, detail, detailUrl) {
  const related = (graph.edges || []).filter((e) => e.source === label || e.target === label);
  const relations = h("ul", {}, related.map((e) => h("li", { class: `relation ${e.kind}` }, relationText(e, label))));
  detail.replaceChildren(h("strong", {}, label), relations);
  if (!detailUrl) return;
  const response = await fetch(`${detailUrl}${encodeURIComponent(label)}/`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const model = await response.json();
  detail.append(
    h("div", { class: "scroll-x" }, h("table", {}, h("thead", {}, h("tr", {}, ["Field", "Type", "Null", "Unique", "Relation"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, (model.fields || []).map((f) => h("tr", {}, h("td", {}, f.name), h("td", {}, f.type || ""), h("td", {}, f.null ? "yes" : ""), h("td", {}, f.unique || f.primary_key ? "yes" : ""), h("td", {}, f.relation ? `${f.relation.kind} → ${f.relation.target || "any model"}` : "")))))),
  );
}
