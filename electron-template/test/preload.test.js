'use strict';
// Runs the real preload source with an injected `require`, the way Electron's
// sandboxed preload loader provides it: no module mocking, no Electron binary.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const vm = require('node:vm');

const { CHANNELS } = require('../src/ipc');

const PRELOAD = path.join(__dirname, '..', 'src', 'preload.cjs');

function runPreload() {
  const exposed = {};
  const invoked = [];
  const required = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => { exposed[key] = api; } },
    ipcRenderer: { invoke: async (channel, ...args) => { invoked.push([channel, ...args]); return true; } },
    webUtils: { getPathForFile: (file) => `/home/u/${file.name}` },
  };
  const sandboxRequire = (name) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`module not available in a sandboxed preload: ${name}`);
    return electron;
  };
  vm.runInNewContext(fs.readFileSync(PRELOAD, 'utf8'), { require: sandboxRequire, String }, { filename: PRELOAD });
  return { exposed, invoked, required };
}

test('preload requires nothing but electron (sandbox-compatible)', () => {
  const { required } = runPreload();
  assert.deepEqual(required, ['electron']);
  const source = fs.readFileSync(PRELOAD, 'utf8');
  assert.deepEqual([...source.matchAll(/require\(([^)]*)\)/g)].map((m) => m[1]), ["'electron'"]);
});

test('window.djdeskNative exposes exactly the bridge API', () => {
  const { exposed } = runPreload();
  assert.deepEqual(Object.keys(exposed), ['djdeskNative']);
  assert.deepEqual(Object.keys(exposed.djdeskNative).sort().join(), 'notify,openExternal,pathForFile');
  assert.ok(Object.isFrozen(exposed.djdeskNative));
});

test('bridge calls use the channels ipc.js handles', async () => {
  const { exposed, invoked } = runPreload();
  await exposed.djdeskNative.openExternal('https://example.com/');
  await exposed.djdeskNative.notify({ title: 'Done', body: 'ok' });
  await exposed.djdeskNative.notify();
  // Objects built inside the vm context have another realm's prototypes.
  assert.deepEqual(JSON.parse(JSON.stringify(invoked)), [
    [CHANNELS.openExternal, 'https://example.com/'],
    [CHANNELS.notify, { title: 'Done', body: 'ok' }],
    [CHANNELS.notify, { title: '', body: '' }],
  ]);
  assert.equal(exposed.djdeskNative.pathForFile({ name: 'data.csv' }), '/home/u/data.csv');
});
