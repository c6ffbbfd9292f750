/*
 * djdesk-native.js: one API over the Electron preload bridge (window.djdeskNative)
 * with browser fallbacks, so the same templates work in the desktop shell and in a
 * plain browser.
 *
 *   djdeskDesktop.notify({title, body})   bridge, else Web Notifications
 *   djdeskDesktop.openExternal(url)       http/https/mailto only; bridge, else
 *                                         window.open(url, "_blank", "noopener,noreferrer")
 *   djdeskDesktop.pathsFor(files)         [{name, path}]; path is null without the bridge
 *   djdeskDesktop.attachDropzone(el, cb)  drop files -> "djdesk:files" event + cb(entries)
 *   djdeskDesktop.checkConnectivity()     "online" | "offline" | "unreachable"
 *
 * Markup hooks (set up on DOMContentLoaded): [data-djdesk-offline] indicators,
 * [data-djdesk-dropzone] drop areas (optional data-list="<id of a <ul>>"), and
 * a[data-djdesk-external] links.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const healthUrl = (script && script.dataset.healthUrl) || "";
  const pollMs = Math.max(1000, Number((script && script.dataset.pollMs) || 5000));
  const EXTERNAL_SCHEMES = new Set(["http:", "https:", "mailto:"]);

  function bridge() {
    const native = window.djdeskNative;
    return native && typeof native === "object" ? native : null;
  }

  function bridgeCall(name) {
    const native = bridge();
    return native && typeof native[name] === "function" ? native[name].bind(native) : null;
  }

  function externalUrl(url) {
    try {
      const parsed = new URL(String(url), window.location.href);
      return EXTERNAL_SCHEMES.has(parsed.protocol) ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  async function openExternal(url) {
    const safe = externalUrl(url);
    if (safe === null) {
      return "refused";
    }
    const open = bridgeCall("openExternal");
    if (open) {
      await open(safe);
      return "bridge";
    }
    window.open(safe, "_blank", "noopener,noreferrer");
    return "window";
  }

  async function notify(message) {
    const title = String((message && message.title) || "");
    const body = String((message && message.body) || "");
    const send = bridgeCall("notify");
    if (send) {
      await send({ title: title, body: body });
      return "bridge";
    }
    if (!("Notification" in window)) {
      return "unsupported";
    }
    let permission = window.Notification.permission;
    if (permission === "default") {
      permission = await window.Notification.requestPermission();
    }
    if (permission !== "granted") {
      return "denied";
    }
    new window.Notification(title, { body: body });
    return "web";
  }

  function pathsFor(files) {
    const pathForFile = bridgeCall("pathForFile");
    return Array.from(files || []).map(function (file) {
      let path = null;
      if (pathForFile) {
        try {
          path = pathForFile(file) || null;
        } catch (error) {
          path = null;
        }
      }
      return { name: file.name, path: path };
    });
  }

  function renderList(zone, entries) {
    const list = zone.dataset.list ? document.getElementById(zone.dataset.list) : null;
    if (!list) {
      return;
    }
    list.replaceChildren(
      ...entries.map(function (entry) {
        const item = document.createElement("li");
        item.textContent = entry.path || entry.name;
        item.dataset.path = entry.path || "";
        return item;
      })
    );
  }

  function attachDropzone(zone, onFiles) {
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("is-dragover");
    });
    zone.addEventListener("dragleave", function () {
      zone.classList.remove("is-dragover");
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragover");
      const entries = pathsFor(event.dataTransfer ? event.dataTransfer.files : []);
      renderList(zone, entries);
      zone.dispatchEvent(
        new CustomEvent("djdesk:files", { bubbles: true, detail: { files: entries } })
      );
      if (typeof onFiles === "function") {
        onFiles(entries);
      }
    });
  }

  let state = "online";

  async function serverReachable() {
    if (!healthUrl) {
      return true;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(function () {
      controller.abort();
    }, Math.min(4000, pollMs));
    try {
      const response = await fetch(healthUrl, {
        cache: "no-store",
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      return response.ok;
    } catch (error) {
      return false;
    } finally {
      window.clearTimeout(timer);
    }
  }

  function showState(next) {
    document.querySelectorAll("[data-djdesk-offline]").forEach(function (indicator) {
      indicator.hidden = next === "online";
      indicator.dataset.state = next;
      indicator.querySelectorAll("[data-when]").forEach(function (part) {
        part.hidden = part.dataset.when !== next;
      });
    });
  }

  async function checkConnectivity() {
    let next = "online";
    if (!navigator.onLine) {
      next = "offline";
    } else if (!(await serverReachable())) {
      next = "unreachable";
    }
    const changed = next !== state;
    state = next;
    showState(next);
    if (changed) {
      document.dispatchEvent(new CustomEvent("djdesk:connectivity", { detail: { state: next } }));
    }
    return next;
  }

  function start() {
    document.querySelectorAll("[data-djdesk-dropzone]").forEach(function (zone) {
      attachDropzone(zone);
    });
    document.addEventListener("click", function (event) {
      const link = event.target instanceof Element && event.target.closest("a[data-djdesk-external]");
      if (link) {
        event.preventDefault();
        openExternal(link.href);
      }
    });
    if (document.querySelector("[data-djdesk-offline]")) {
      window.addEventListener("online", checkConnectivity);
      window.addEventListener("offline", checkConnectivity);
      window.setInterval(checkConnectivity, pollMs);
      checkConnectivity();
    }
  }

  window.djdeskDesktop = Object.freeze({
    hasBridge: function () {
      return bridge() !== null;
    },
    notify: notify,
    openExternal: openExternal,
    pathsFor: pathsFor,
    attachDropzone: attachDropzone,
    checkConnectivity: checkConnectivity,
    get connectivity() {
      return state;
    },
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
