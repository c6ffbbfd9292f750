// Builds one input per declared argument type and reads the values back as JSON.
import { h } from "./dom.js";

// Required selects start empty too: nothing is chosen for the user by accident.
const placeholder = (spec) => h("option", { value: "" }, spec.required ? "Choose…" : "—");

function select(spec, options, id) {
  const items = [placeholder(spec)];
  for (const value of options) items.push(h("option", { value }, value));
  return h("select", { id, name: spec.name, required: spec.required, dataset: { argument: spec.name } }, items);
}

const BUILDERS = {
  app_label: (spec, id) => select(spec, spec.choices || [], id),
  choice: (spec, id) => select(spec, spec.choices || [], id),
  migration: (spec, id) => select(spec, [], id),
  integer: (spec, id) =>
    h("input", { id, type: "number", step: 1, min: spec.minimum, max: spec.maximum, name: spec.name, required: spec.required, dataset: { argument: spec.name } }),
  flag: (spec, id) => h("input", { id, type: "checkbox", name: spec.name, dataset: { argument: spec.name } }),
};

const READERS = {
  integer: (el) => (el.value === "" ? null : Number(el.value)),
  flag: (el) => el.checked,
};

export class ArgumentForm {
  constructor(preset) {
    this.preset = preset;
    this.inputs = new Map();
    this.errors = new Map();
  }

  render() {
    const rows = this.preset.arguments.map((spec) => {
      const id = `djp-arg-${this.preset.key}-${spec.name}`;
      const build = BUILDERS[spec.type];
      const input = build ? build(spec, id) : h("span", {}, `unsupported type ${spec.type}`);
      this.inputs.set(spec.name, { spec, input });
      const error = h("span", { class: "djp-error", role: "alert", dataset: { errorFor: spec.name } });
      this.errors.set(spec.name, error);
      return h(
        "div",
        { class: `djp-field djp-${spec.type}` },
        h("label", { for: id }, spec.label, spec.required ? " *" : ""),
        input,
        spec.option ? h("code", { class: "djp-option" }, spec.option) : null,
        spec.help ? h("small", {}, spec.help) : null,
        error,
      );
    });
    this.wireMigrations();
    return rows;
  }

  // A migration select lists the migrations of the app chosen in its app argument.
  wireMigrations() {
    for (const { spec, input } of this.inputs.values()) {
      if (spec.type !== "migration") continue;
      const app = this.inputs.get(spec.app_argument);
      if (!app) continue;
      const refresh = () => {
        const names = (spec.choices || {})[app.input.value] || [];
        input.replaceChildren(placeholder(spec), ...names.map((name) => h("option", { value: name }, name)));
      };
      app.input.addEventListener("change", refresh);
      refresh();
    }
  }

  values() {
    const values = {};
    for (const [name, { spec, input }] of this.inputs) {
      const read = READERS[spec.type] || ((el) => (el.value === "" ? null : el.value));
      const value = read(input);
      if (value !== null && value !== false) values[name] = value;
    }
    return values;
  }

  showErrors(errors) {
    for (const el of this.errors.values()) el.textContent = "";
    const rest = [];
    for (const [key, messages] of Object.entries(errors || {})) {
      const name = key.startsWith("args.") ? key.slice(5) : null;
      const el = name && this.errors.get(name);
      if (el) el.textContent = messages.join(" ");
      else rest.push(...messages);
    }
    return rest;
  }
}
