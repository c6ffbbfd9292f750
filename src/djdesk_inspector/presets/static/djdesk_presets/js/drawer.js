// The task-presets drawer: presets by category, typed argument inputs, confirmation,
// a live log from log deltas (?after=seq), progress, cancel, history, and a desktop
// notification when a run finishes. Mounts on every [data-djdesk-drawer] element.
import { Api, ApiError } from "./api.js";
import { h, seconds, when } from "./dom.js";
import { ArgumentForm } from "./inputs.js";
import { askPermission, notify } from "./notify.js";

const LOG_POLL_MS = 200;
const IDLE_HISTORY_MS = 10000;
const ACTIVE = new Set(["requested", "running"]);

function outcome(run) {
  if (run.status === "cancelled") return "cancelled";
  if (run.timed_out) return "timed out";
  if (run.exit_code !== null && run.exit_code !== undefined && run.status === "failed") return `failed (exit ${run.exit_code})`;
  return run.status;
}

class RunView {
  // One run's panel: status, progress, cancel, and the log appended from deltas.
  constructor(drawer, run, { announce }) {
    this.drawer = drawer;
    this.run = run;
    this.announce = announce;
    this.after = 0;
    this.stopped = false;
    this.status = h("span", { class: "djp-status", dataset: { testid: "run-status" } });
    this.progress = h("progress", { max: 100, dataset: { testid: "run-progress" } });
    this.cancel = h("button", { type: "button", class: "djp-cancel", dataset: { testid: "run-cancel" }, onclick: () => this.requestCancel() }, "Cancel");
    this.log = h("pre", { class: "djp-log", tabindex: 0, "aria-label": "Run output", dataset: { testid: "run-log" } });
    this.meta = h("p", { class: "djp-meta" });
  }

  element() {
    const title = `${this.run.preset_label || this.run.preset} · #${this.run.id}`;
    return [
      h("header", { class: "djp-run-head" }, h("h3", {}, title), this.status, this.progress, this.cancel),
      h("p", { class: "djp-argv" }, h("code", {}, (this.run.argv || []).join(" "))),
      this.meta,
      this.log,
    ];
  }

  paint(state) {
    this.status.textContent = outcome(state);
    this.status.dataset.status = state.status;
    const active = ACTIVE.has(state.status);
    this.cancel.hidden = !active;
    this.progress.hidden = !active;
    if (state.progress === null || state.progress === undefined) this.progress.removeAttribute("value");
    else this.progress.value = state.progress;
  }

  append(lines) {
    if (!lines.length) return;
    const stick = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
    const fragment = document.createDocumentFragment();
    for (const line of lines) {
      fragment.append(h("span", { class: `djp-line djp-stream-${line.stream}`, dataset: { seq: line.seq } }, `${line.text}\n`));
    }
    this.log.append(fragment);
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  async start() {
    this.paint(this.run);
    while (!this.stopped) {
      let delta;
      try {
        delta = await this.drawer.api.get(this.run.urls.log, { after: this.after });
      } catch (error) {
        this.meta.textContent = `Log unavailable: ${error.message}`;
        await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS * 5));
        continue;
      }
      if (this.stopped) return;
      this.append(delta.lines);
      this.after = delta.next_after;
      this.paint({ ...this.run, ...delta });
      if (delta.done) break;
      if (delta.lines.length === 0) await new Promise((resolve) => setTimeout(resolve, LOG_POLL_MS));
    }
    if (this.stopped) return;
    const final = await this.drawer.api.get(this.run.urls.self);
    this.run = { ...this.run, ...final };
    this.paint(final);
    this.meta.textContent = [
      final.exit_code !== null && final.exit_code !== undefined ? `exit code ${final.exit_code}` : null,
      final.duration_ms !== null ? seconds(final.duration_ms) : null,
      final.truncated ? "output truncated" : null,
      final.error || null,
    ].filter(Boolean).join(" · ");
    if (this.announce) notify(`${final.preset_label || final.preset}: ${outcome(final)}`, `${final.target} · ${seconds(final.duration_ms)}`);
    this.drawer.loadHistory();
  }

  async requestCancel() {
    this.cancel.disabled = true;
    try {
      const run = await this.drawer.api.post(this.run.urls.cancel);
      this.paint(run);
    } catch (error) {
      this.meta.textContent = error.message;
    } finally {
      this.cancel.disabled = false;
    }
  }

  stop() {
    this.stopped = true;
  }
}

class Drawer {
  constructor(root) {
    this.root = root;
    this.api = new Api(root);
    this.target = root.dataset.target || "";
    this.parts = Object.fromEntries([...root.querySelectorAll("[data-role]")].map((el) => [el.dataset.role, el]));
    this.view = null;
    this.historyTimer = null;
  }

  async start() {
    this.parts.target?.addEventListener("change", () => {
      this.target = this.parts.target.value;
      this.root.dataset.target = this.target;
      this.closeForm();
      this.load();
    });
    // On the dashboard: a new snapshot changes the choices (app labels) presets offer.
    document.addEventListener("djdesk:snapshot", () => {
      if (this.parts.form?.hidden !== false) this.loadPresets();
    });
    await this.load();
  }

  async load() {
    await Promise.all([this.loadPresets(), this.loadHistory({ follow: true })]);
  }

  async loadPresets() {
    const box = this.parts.presets;
    try {
      const data = await this.api.get(this.root.dataset.presetsUrl, { target: this.target });
      this.renderPresets(data);
    } catch (error) {
      box.replaceChildren(h("p", { class: "djp-error", role: "alert" }, `Presets unavailable: ${error.message}`));
    }
  }

  renderPresets(data) {
    const box = this.parts.presets;
    if (!data.presets.length) {
      box.replaceChildren(h("p", { class: "djp-empty" }, "No presets yet: run manage.py djdesk_presets_sync."));
      return;
    }
    const source = data.choices_source ? h("p", { class: "djp-meta" }, `Choices from ${data.choices_source}.`) : null;
    box.replaceChildren(
      source,
      ...data.categories.map((category) =>
        h(
          "section",
          { class: "djp-category" },
          h("h3", {}, category),
          h(
            "div",
            { class: "djp-buttons" },
            data.presets
              .filter((preset) => preset.category === category)
              .map((preset) =>
                h(
                  "button",
                  {
                    type: "button",
                    class: "djp-preset",
                    disabled: !preset.runnable,
                    title: preset.runnable ? preset.description : preset.reason,
                    dataset: { testid: `preset-${preset.key}`, icon: preset.icon },
                    onclick: () => this.openForm(preset),
                  },
                  preset.label,
                ),
              ),
          ),
        ),
      ),
    );
  }

  closeForm() {
    this.parts.form.hidden = true;
    this.parts.form.replaceChildren();
  }

  openForm(preset) {
    const form = new ArgumentForm(preset);
    const general = h("p", { class: "djp-error", role: "alert", dataset: { testid: "run-errors" } });
    const confirmBox = h("div", { class: "djp-confirm", role: "alertdialog", hidden: true, dataset: { testid: "run-confirm" } });
    const runButton = h("button", { type: "submit", class: "djp-primary", dataset: { testid: "run-preset" } }, "Run");
    const submit = async (confirm) => {
      runButton.disabled = true;
      general.textContent = "";
      askPermission();
      try {
        const run = await this.api.post(this.root.dataset.runsUrl, { target: this.target, preset: preset.key, args: form.values(), confirm });
        confirmBox.hidden = true;
        this.follow(run, { announce: true });
        this.loadHistory();
      } catch (error) {
        const rest = error instanceof ApiError ? form.showErrors(error.errors) : [error.message];
        general.textContent = rest.join(" ");
      } finally {
        runButton.disabled = false;
      }
    };
    const element = h(
      "form",
      {
        class: "djp-preset-form",
        novalidate: true, // the server validates, and says why per argument
        dataset: { preset: preset.key },
        onsubmit: (event) => {
          event.preventDefault();
          if (preset.requires_confirmation) {
            confirmBox.hidden = false;
            confirmBox.querySelector("button")?.focus();
          } else submit(false);
        },
      },
      h("h3", {}, preset.label),
      h("p", {}, preset.description),
      h("p", { class: "djp-argv" }, h("code", {}, ["manage.py", preset.command, ...preset.fixed_args].join(" ")), " ", /^https?:\/\//.test(preset.docs_url || "") ? h("a", { href: preset.docs_url, target: "_blank", rel: "noopener noreferrer" }, "docs") : null),
      form.render(),
      general,
      h("div", { class: "djp-actions" }, runButton, h("button", { type: "button", onclick: () => this.closeForm() }, "Close")),
    );
    confirmBox.append(
      h("p", {}, `${preset.label} needs confirmation: ${preset.description}`),
      h("button", { type: "button", class: "djp-primary", dataset: { testid: "run-confirm-yes" }, onclick: () => submit(true) }, "Run it"),
      h("button", { type: "button", onclick: () => (confirmBox.hidden = true) }, "Back"),
    );
    element.append(confirmBox);
    this.parts.form.replaceChildren(element);
    this.parts.form.hidden = false;
  }

  follow(run, { announce = false } = {}) {
    this.view?.stop();
    this.view = new RunView(this, run, { announce });
    this.parts.run.replaceChildren(...this.view.element());
    this.parts.run.hidden = false;
    this.parts.run.dataset.runId = run.id;
    this.view.start();
  }

  async loadHistory({ follow = false } = {}) {
    clearTimeout(this.historyTimer);
    let runs = [];
    try {
      runs = (await this.api.get(this.root.dataset.runsUrl, { target: this.target })).runs;
    } catch (error) {
      this.parts.history.replaceChildren(h("li", { class: "djp-error" }, error.message));
      return;
    }
    this.parts.history.replaceChildren(
      ...(runs.length
        ? runs.map((run) =>
            h(
              "li",
              { class: `djp-history-item djp-status-${run.status}`, dataset: { runId: run.id } },
              h("button", { type: "button", class: "djp-link", onclick: () => this.open(run.id) }, `${run.preset_label || run.preset}`),
              h("span", { class: "djp-status" }, outcome(run)),
              h("small", {}, ` ${when(run.created_at)} ${seconds(run.duration_ms)}`),
            ),
          )
        : [h("li", { class: "djp-empty" }, "No runs yet.")]),
    );
    const active = runs.find((run) => ACTIVE.has(run.status));
    if (follow && active && !this.view) this.open(active.id, { announce: true });
    this.historyTimer = setTimeout(() => this.loadHistory(), IDLE_HISTORY_MS);
  }

  async open(id, { announce = false } = {}) {
    const url = `${this.root.dataset.runsUrl}${id}/`;
    try {
      const run = await this.api.get(url);
      this.follow(run, { announce: announce || ACTIVE.has(run.status) });
    } catch (error) {
      this.parts.run.replaceChildren(h("p", { class: "djp-error" }, error.message));
      this.parts.run.hidden = false;
    }
  }
}

for (const root of document.querySelectorAll("[data-djdesk-drawer]")) {
  const drawer = new Drawer(root);
  root.djdeskDrawer = drawer;
  drawer.start();
}
