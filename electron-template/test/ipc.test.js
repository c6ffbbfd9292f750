'use strict';
const assert = require('node:assert/strict');
const test = require('node:test');

const { CHANNELS, registerIpc } = require('../src/ipc');
const security = require('../src/security');

const ORIGIN = 'http://127.0.0.1:40001';

function setup() {
  const handlers = new Map();
  const opened = [];
  const shown = [];
  const ipcMain = {
    handle: (channel, handler) => handlers.set(channel, handler),
    removeHandler: (channel) => handlers.delete(channel),
  };
  const shell = { openExternal: async (url) => { opened.push(url); } };
  class Notification {
    static isSupported() { return true; }

    constructor(options) { this.options = options; }

    show() { shown.push(this.options); }
  }
  const policy = security.createPolicy();
  policy.setBackend({ port: 40001, token: 't' });
  const unregister = registerIpc({ ipcMain, shell, Notification, policy });
  const call = (channel, url, ...args) => handlers.get(channel)({ senderFrame: { url } }, ...args);
  return { handlers, opened, shown, policy, unregister, call };
}

test('registers exactly the bridge channels and can remove them', () => {
  const { handlers, unregister } = setup();
  assert.deepEqual([...handlers.keys()].sort(), ['djdesk:notify', 'djdesk:open-external']);
  unregister();
  assert.equal(handlers.size, 0);
});

test('open-external from the app opens allowed URLs only', async () => {
  const { call, opened } = setup();
  assert.equal(await call(CHANNELS.openExternal, `${ORIGIN}/djdesk/`, 'https://www.djangoproject.com/'), true);
  for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 42]) {
    await assert.rejects(async () => call(CHANNELS.openExternal, `${ORIGIN}/`, url), /only http, https and mailto/);
  }
  assert.deepEqual(opened, ['https://www.djangoproject.com/']);
});

test('IPC from a foreign frame is rejected before anything runs', async () => {
  const { call, opened, shown } = setup();
  for (const frameUrl of ['https://evil.example/', 'http://127.0.0.1:40002/', 'file:///app/splash.html']) {
    await assert.rejects(async () => call(CHANNELS.openExternal, frameUrl, 'https://example.com/'), /not the app/);
    await assert.rejects(async () => call(CHANNELS.notify, frameUrl, { title: 'hi' }), /not the app/);
  }
  assert.deepEqual(opened, []);
  assert.deepEqual(shown, []);
});

test('IPC is refused while no backend is ready', async () => {
  const { call, policy } = setup();
  policy.clear();
  await assert.rejects(async () => call(CHANNELS.notify, `${ORIGIN}/`, { title: 'hi' }), /not the app/);
});

test('notify validates and trims its payload', async () => {
  const { call, shown } = setup();
  assert.equal(await call(CHANNELS.notify, `${ORIGIN}/`, { title: 'Scan finished', body: '3 apps' }), true);
  await call(CHANNELS.notify, `${ORIGIN}/`, { title: 'x'.repeat(500) });
  assert.deepEqual(shown[0], { title: 'Scan finished', body: '3 apps' });
  assert.equal(shown[1].title.length, 200);
  for (const payload of [null, 'hi', { title: '' }, { title: 'ok', body: 5 }]) {
    await assert.rejects(async () => call(CHANNELS.notify, `${ORIGIN}/`, payload), TypeError);
  }
});
