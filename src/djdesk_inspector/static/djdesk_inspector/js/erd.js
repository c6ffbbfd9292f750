// Pure ERD logic (no DOM, no Cytoscape): which elements the schema view shows and how
// big each model card is. Kept apart so node --test covers it (tests/js/erd.test.mjs).

// Above this many models the view starts from one node per app; a click expands an app.
export const OVERVIEW_AFTER = 150;
// Card text size in graph units; the view never starts below MIN_DEFAULT_ZOOM, so a
// model name renders at >= NAME_FONT * MIN_DEFAULT_ZOOM px (13 * 0.9 = 11.7).
export const NAME_FONT = 13;
export const MIN_DEFAULT_ZOOM = 0.9;
export const MAX_ROWS = 12;
const CHAR_WIDTH = 0.62; // monospace advance, as a fraction of the font size
const LINE_HEIGHT = 1.3;

export const appOf = (node) => node.app || node.id.split(".")[0];
export const nameOf = (node) => node.name || node.id.slice(node.id.indexOf(".") + 1);
export const groupId = (app) => `app:${app}`;

// One line per field: a marker column (PK / FK / U), the name, the type, "?" when null.
export function columnLine(column) {
  const marker = column.pk ? "PK" : column.fk ? "FK" : column.unique ? "U " : "  ";
  const type = column.fk ? `→ ${column.fk}` : column.type || "?";
  return `${marker} ${column.name}${column.null ? "?" : ""}: ${type}`;
}

// The status payload sends rows as [name, type, flags, fk?] (see projection.py).
export function expandColumn(row) {
  if (!Array.isArray(row)) return row;
  const [name, type, flags = "", fk = null] = row;
  return { name, type, pk: flags.includes("P"), unique: flags.includes("U"), null: flags.includes("N"), fk };
}

export function cardLabel(node) {
  const columns = (node.columns || []).map(expandColumn);
  const lines = columns.slice(0, MAX_ROWS).map(columnLine);
  if (columns.length > MAX_ROWS) lines.push(`… ${columns.length - MAX_ROWS} more`);
  const flags = [node.abstract ? "abstract" : "", node.proxy ? "proxy" : "", node.external ? "other app" : ""].filter(Boolean);
  const title = flags.length ? `${nameOf(node)} (${flags.join(", ")})` : nameOf(node);
  return [title, ...(lines.length ? ["", ...lines] : [])].join("\n");
}

export function cardSize(label, font = NAME_FONT) {
  const lines = label.split("\n");
  const longest = Math.max(...lines.map((line) => line.length));
  return {
    width: Math.ceil(longest * font * CHAR_WIDTH + font * 1.5),
    height: Math.ceil(lines.length * font * LINE_HEIGHT + font),
  };
}

function modelNode(node, parent) {
  const label = cardLabel(node);
  const { width, height } = cardSize(label);
  return {
    group: "nodes",
    data: { id: node.id, label, name: nameOf(node), app: appOf(node), parent, width, height },
    classes: ["model", node.abstract ? "abstract" : "", node.proxy ? "proxy" : "", node.external ? "external" : ""].filter(Boolean).join(" "),
  };
}

/**
 * Cytoscape elements for `graph` ({nodes, edges} from the status payload).
 * - `app`: only that app's models (and relations among them).
 * - `overview`: apps not in `expanded` collapse into one node; their edges are merged.
 */
export function buildElements(graph, { app = "", overview = false, expanded = new Set() } = {}) {
  const nodes = (graph.nodes || []).filter((n) => !app || appOf(n) === app);
  const apps = [...new Set(nodes.map(appOf))].sort();
  const counts = {};
  for (const node of nodes) counts[appOf(node)] = (counts[appOf(node)] || 0) + 1;
  const collapsed = (a) => overview && !expanded.has(a);
  const elements = [];
  for (const a of apps) {
    const label = collapsed(a) ? `${a}\n${counts[a]} model${counts[a] === 1 ? "" : "s"}` : a;
    const size = cardSize(label, NAME_FONT + 3);
    elements.push({
      group: "nodes",
      data: { id: groupId(a), label, app: a, width: size.width, height: size.height },
      classes: collapsed(a) ? "app collapsed" : "app",
    });
  }
  const where = {};
  for (const node of nodes) {
    const a = appOf(node);
    if (collapsed(a)) {
      where[node.id] = groupId(a);
    } else {
      where[node.id] = node.id;
      elements.push(modelNode(node, groupId(a)));
    }
  }
  const seen = new Set();
  (graph.edges || []).forEach((edge, i) => {
    const source = where[edge.source];
    const target = where[edge.target];
    if (!source || !target || source === target && source.startsWith("app:")) return;
    const merged = source !== edge.source || target !== edge.target;
    const key = merged ? `${source}|${target}` : `e${i}`;
    if (seen.has(key)) return;
    seen.add(key);
    elements.push({
      group: "edges",
      data: { id: merged ? `m:${key}` : `e${i}`, source, target, kind: merged ? "merged" : edge.kind, label: merged || edge.kind === "inherits" ? "" : edge.field || "" },
      classes: merged ? "merged" : edge.kind,
    });
  });
  return elements;
}

// "field → target (kind)", inheritance in words: never "undefined".
export function relationText(edge, here) {
  if (edge.kind === "inherits") return edge.source === here ? `inherits from ${edge.target}` : `${edge.source} inherits from this model`;
  if (edge.source === here) return `${edge.field} → ${edge.target} (${edge.kind})`;
  return `${edge.source}.${edge.field} → this model (${edge.kind})`;
}

// Models whose label or name contains the query, exact names first.
export function searchModels(graph, query) {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const hits = (graph.nodes || []).filter((n) => n.id.toLowerCase().includes(needle));
  const rank = (n) => (nameOf(n).toLowerCase() === needle || n.id.toLowerCase() === needle ? 0 : nameOf(n).toLowerCase().startsWith(needle) ? 1 : 2);
  return hits.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

// Zoom factor for one wheel event: a 100 px notch is x1.26 in or out, line- and
// page-mode deltas are converted, trackpad pixels zoom proportionally, one event is capped.
export function wheelFactor({ deltaY = 0, deltaMode = 0 }) {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const clamped = Math.max(-300, Math.min(300, pixels));
  return Math.pow(2, -clamped / 300);
}

// The zoom the view starts at: fit everything, but never so small that names are unreadable.
export function defaultZoom(fitZoom) {
  return Math.max(Math.min(fitZoom, 1.4), MIN_DEFAULT_ZOOM);
}

const escapeXml = (text) => String(text).replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]);

/**
 * A standalone SVG of the current view, built from laid-out positions (model
 * coordinates): nodes are {x, y, width, height, label, app, kind}, edges
 * {x1, y1, x2, y2, kind}. Text is escaped, so model names never become markup.
 */
export function svgDocument(nodes, edges, { font = NAME_FONT, colours = {} } = {}) {
  const pad = 20;
  const xs = nodes.flatMap((n) => [n.x - n.width / 2, n.x + n.width / 2]);
  const ys = nodes.flatMap((n) => [n.y - n.height / 2, n.y + n.height / 2]);
  const minX = Math.min(...xs, 0) - pad;
  const minY = Math.min(...ys, 0) - pad;
  const width = Math.max(...xs, 0) - minX + pad;
  const height = Math.max(...ys, 0) - minY + pad;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${minX} ${minY} ${width} ${height}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" font-family="ui-monospace, Consolas, monospace" font-size="${font}">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7785"/></marker></defs>`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  const groups = nodes.filter((n) => n.kind === "group");
  const cards = nodes.filter((n) => n.kind !== "group");
  for (const n of groups) {
    parts.push(`<rect x="${n.x - n.width / 2}" y="${n.y - n.height / 2}" width="${n.width}" height="${n.height}" rx="8" fill="${colours[n.app] || "#57606a"}" fill-opacity="0.06" stroke="${colours[n.app] || "#57606a"}"/>`);
    parts.push(`<text x="${n.x - n.width / 2 + 8}" y="${n.y - n.height / 2 - 6}" font-weight="bold">${escapeXml(n.label.split("\n")[0])}</text>`);
  }
  for (const e of edges) {
    const dash = e.kind === "m2m" ? ' stroke-dasharray="6 4"' : "";
    const colour = e.kind === "inherits" ? "#8250df" : "#6b7785";
    parts.push(`<line x1="${e.x1}" y1="${e.y1}" x2="${e.x2}" y2="${e.y2}" stroke="${colour}" stroke-width="${e.kind === "inherits" ? 2 : 1}"${dash} marker-end="url(#arrow)"/>`);
  }
  for (const n of cards) {
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    parts.push(`<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="6" fill="#ffffff" stroke="${colours[n.app] || "#57606a"}" stroke-width="2"/>`);
    n.label.split("\n").forEach((line, i) => {
      parts.push(`<text x="${x + font * 0.75}" y="${y + font * 1.3 * (i + 1)}"${i === 0 ? ' font-weight="bold"' : ""} xml:space="preserve">${escapeXml(line)}</text>`);
    });
  }
  parts.push("</svg>");
  return parts.join("\n");
}
