// Dropzone for the wizard: primes the path field. Inside the desktop shell the native
// bridge gives the real path; in a plain browser only a file name is known, so the user
// is asked to complete it.
const zone = document.getElementById("dropzone");
const input = document.getElementById("id_project_path");

function pathFor(file) {
  const bridge = window.djdeskNative;
  if (bridge && typeof bridge.pathForFile === "function") {
    const path = bridge.pathForFile(file);
    if (path) return path.replace(/[\\/]manage\.py$/, "");
  }
  return null;
}

if (zone && input) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    const path = pathFor(file);
    if (path) {
      input.value = path;
    } else {
      const typed = window.prompt(`Your browser only shares the name "${file.name}". Enter the full path of that folder:`, file.name);
      if (typed) input.value = typed;
    }
    input.focus();
  });
}

// Required fields and the path's shape are checked here, before a round trip: the
// server still validates everything (the folder, manage.py, duplicates).
const form = document.querySelector("[data-testid=wizard-form]");
const ABSOLUTE = /^(\/|~|[A-Za-z]:[\\/]|\\\\)/;

function problemWith(field) {
  const value = field.value.trim();
  if (field.required && !value) return "This field is required.";
  if (field.id === "id_project_path" && value && !ABSOLUTE.test(value)) return "Enter an absolute path.";
  return "";
}

function showProblem(field, message) {
  const box = field.closest(".field");
  let note = box.querySelector("[data-client-error]");
  if (!message) {
    note?.remove();
    box.classList.toggle("has-error", Boolean(box.querySelector(".error")));
    field.removeAttribute("aria-invalid");
    return;
  }
  box.querySelectorAll(".error").forEach((old) => old.remove());
  note = document.createElement("p");
  note.className = "error";
  note.setAttribute("role", "alert");
  note.dataset.clientError = "";
  note.dataset.testid = `error-${field.name}`;
  note.textContent = message;
  box.append(note);
  box.classList.add("has-error");
  field.setAttribute("aria-invalid", "true");
}

if (form) {
  form.addEventListener("submit", (event) => {
    let first = null;
    for (const field of form.querySelectorAll("input[type=text], input:not([type])")) {
      const message = problemWith(field);
      showProblem(field, message);
      if (message && !first) first = field;
    }
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });
}
