'use strict';
// Sandboxed preload: only the 'electron' module is available here, so the
// channel names are repeated from ipc.js (test/preload.test.js keeps them in sync).
const { contextBridge, ipcRenderer, webUtils } = require('electron');

contextBridge.exposeInMainWorld('djdeskNative', Object.freeze({
  openExternal: (url) => ipcRenderer.invoke('djdesk:open-external', String(url)),
  notify: ({ title, body } = {}) => ipcRenderer.invoke('djdesk:notify', {
    title: String(title ?? ''),
    body: String(body ?? ''),
  }),
  // Must run here: webUtils is not reachable from the page itself.
  pathForFile: (file) => webUtils.getPathForFile(file),
}));
