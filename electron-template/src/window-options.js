'use strict';
/**
 * BrowserWindow options in one place, so test/window-options.test.js can assert
 * the hardening that main.js relies on.
 */

/** Renderer hardening shared by every window the shell opens. */
function secureWebPreferences(preload) {
  const prefs = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
  if (preload) prefs.preload = preload;
  return prefs;
}

function mainWindowOptions({ title, preload }) {
  return {
    title,
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    // Shown on 'ready-to-show', when the splash goes away.
    show: false,
    backgroundColor: '#f7f7f8',
    webPreferences: secureWebPreferences(preload),
  };
}

/** Same-origin window.open() targets: same hardening, same bridge. */
function childWindowOptions({ preload }) {
  return {
    width: 1024,
    height: 720,
    webPreferences: secureWebPreferences(preload),
  };
}

/** The splash is a local static page: no preload, no bridge. */
function splashWindowOptions({ title }) {
  return {
    title,
    width: 420,
    height: 260,
    frame: false,
    resizable: false,
    movable: true,
    center: true,
    show: true,
    backgroundColor: '#f7f7f8',
    webPreferences: secureWebPreferences(null),
  };
}

module.exports = { secureWebPreferences, mainWindowOptions, childWindowOptions, splashWindowOptions };
