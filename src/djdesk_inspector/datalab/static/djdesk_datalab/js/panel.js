// The exports panel: pick a template, export, watch status, preview in a sandboxed
// iframe, download, delete. Mounts on every [data-djdesk-datalab] element. With
// data-poll="self" it polls its own list. Inside the inspector dashboard
// (data-poll="dashboard") it adds renderExports to the dashboard's SECTIONS, so the
// status poller re-renders the list, and only asks that poller to poll now.
import { h } from "../../djdesk_inspector/js/dom.js";
import { ACTIVE, renderExports } from "./exports.js";

const FAST_MS = 1000;
const IDLE_MS = 5000;

class Panel {
  constructor(root) {
    this.root = root;
    this.csrf = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
    this.form = root.querySelector("[data-role=new-export]");
    this.select = root.querySelector("[data-role=template]");
    this.execute = root.querySelector("[data-role=execute]");
    this.description = root.querySelector("[data-role=description]");
    this.message = root.querySelector("[data-role=message]");
    this.list = root.querySelector("[data-role=exports]");
    this.preview = root.querySelector("[data-role=preview]");
    this.frame = root.querySelector("[data-role=preview-frame]");
    this.previewTitle = root.querySelector("[data-role=preview-title]");
    this.templates = [];
    this.timer = null;
    this.selfPolling = root.dataset.poll !== "dashboard";
  }

  async request(url, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["X-CSRFToken"] = this.csrf;
      if (body !== undefined) headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 204) return {};
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    if (!response.ok) throw new Error(Object.values(data.errors || {}).flat().join(" ") || `HTTP ${response.status}`);
    return data;
  }

  say(text, kind = "info") {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }

  async start() {
    this.form.addEventListener("submit", (event) => this.submit(event));
    this.select.addEventListener("change", () => this.describe());
    this.root.addEventListener("click", (event) => this.onClick(event));
    await this.loadTemplates();
    if (this.selfPolling) await this.refresh();
    else await this.joinDashboard();
  }

  async joinDashboard() {
    // Loaded on demand: the standalone page never pulls in the dashboard's modules.
    const { SECTIONS } = await import("../../djdesk_inspector/js/sections.js");
    SECTIONS.exports ??= (section, ...rest) => {
      this.settle(section?.exports || []);
      this.executable(section?.execution);
      return renderExports(section, ...rest);
    };
    const initial = document.getElementById("djdesk-initial-status");
    if (initial) {
      const section = JSON.parse(initial.textContent).exports;
      this.executable(section?.execution);
      this.list.replaceChildren(renderExports(section));
    }
  }

  async loadTemplates() {
    try {
      this.templates = (await this.request(this.root.dataset.templatesUrl)).templates;
    } catch (error) {
      this.say(`Templates unavailable: ${error.message}`, "error");
      return;
    }
    this.select.replaceChildren(
      ...this.templates.map((t) =>
        h("option", { value: t.slug, disabled: !t.available, title: t.unavailable_reason || t.description }, t.available ? t.title : `${t.title} (unavailable)`),
      ),
    );
    const first = this.templates.find((t) => t.available);
    if (first) this.select.value = first.slug;
    this.describe();
  }

  describe() {
    const chosen = this.templates.find((t) => t.slug === this.select.value);
    if (!chosen) {
      this.description.textContent = "";
      return;
    }
    const tags = chosen.tags.length ? ` [${chosen.tags.join(", ")}]` : "";
    this.description.textContent = chosen.available ? `${chosen.description}${tags}` : `Unavailable: ${chosen.unavailable_reason}`;
  }

  async submit(event) {
    event.preventDefault();
    const template = this.select.value;
    if (!template) return;
    this.say("Exporting…");
    try {
      const created = await this.request(this.root.dataset.exportsUrl, { method: "POST", body: { template, execute: this.execute.checked && !this.execute.disabled } });
      this.say(`${created.template_title} v${created.version}: ${created.status}.`, created.status === "failed" ? "error" : "info");
      this.pending = ACTIVE.has(created.status) ? created.id : null;
    } catch (error) {
      this.say(error.message, "error");
    }
    this.update();
  }

  // "run the notebook" is offered only when it can run; otherwise disabled, with why.
  executable(execution) {
    if (!execution) return;
    const box = this.execute;
    const label = box.closest("label");
    if (execution.available) {
      if (box.disabled) box.checked = true;
      box.disabled = false;
      label.removeAttribute("title");
      this.root.querySelector("[data-role=execute-reason]")?.remove();
      return;
    }
    box.checked = false;
    box.disabled = true;
    label.title = execution.reason || "";
    let note = this.root.querySelector("[data-role=execute-reason]");
    if (!note) {
      note = h("small", { class: "djl-execution", dataset: { role: "execute-reason", testid: "execute-reason" } });
      label.after(note);
    }
    note.textContent = `Notebook not run: ${execution.reason}`;
  }

  // The message about the export just requested follows that export to its end.
  settle(exports) {
    if (this.pending === null || this.pending === undefined) return;
    const item = exports.find((e) => e.id === this.pending);
    if (!item || ACTIVE.has(item.status)) return;
    this.pending = null;
    this.say(`${item.template_title || item.template} v${item.version}: ${item.status}.`, item.status === "failed" ? "error" : "info");
  }

  update() {
    if (this.selfPolling) this.refresh();
    else window.djdeskDashboard?.poller.pollNow();
  }

  async refresh() {
    clearTimeout(this.timer);
    let active = false;
    if (!document.hidden) {
      try {
        const { exports, execution } = await this.request(`${this.root.dataset.exportsUrl}?limit=20`);
        this.executable(execution);
        this.settle(exports);
        this.list.replaceChildren(renderExports({ exports }));
        this.list.dataset.rendered = String(Date.now());
        active = exports.some((item) => ACTIVE.has(item.status));
      } catch (error) {
        this.say(`Exports unavailable: ${error.message}`, "error");
      }
    }
    this.timer = setTimeout(() => this.refresh(), active ? FAST_MS : IDLE_MS);
  }

  onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button || !this.root.contains(button)) return;
    const action = button.dataset.action;
    if (action === "preview") this.show(button.dataset.url, button.dataset.title);
    else if (action === "close-preview") this.hide();
    else if (action === "delete") this.remove(button);
  }

  show(url, title) {
    this.previewTitle.textContent = `Preview: ${title}`;
    this.frame.src = url;
    this.frame.dataset.url = url;
    this.preview.hidden = false;
  }

  hide() {
    this.preview.hidden = true;
    this.frame.src = "about:blank";
    delete this.frame.dataset.url;
  }

  async remove(button) {
    // Two clicks, no window.confirm: dialogs are blocked in some shells.
    if (button.dataset.confirm !== "1") {
      button.dataset.confirm = "1";
      button.textContent = "Really delete?";
      return;
    }
    button.disabled = true;
    try {
      await this.request(button.dataset.url, { method: "DELETE" });
      if (this.frame.dataset.url?.startsWith(button.dataset.url)) this.hide();
      this.say("Export deleted.");
    } catch (error) {
      button.disabled = false;
      this.say(error.message, "error");
    }
    this.update();
  }
}

for (const root of document.querySelectorAll("[data-djdesk-datalab]")) {
  const panel = new Panel(root);
  root.djdeskPanel = panel;
  panel.start();
}
