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
