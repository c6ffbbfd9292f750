'use strict';
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const test = require('node:test');

const security = require('../src/security');

const PORT = 51234;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const TOKEN = 'c'.repeat(64);

function readyPolicy() {
  const policy = security.createPolicy();
  policy.setBackend({ port: PORT, token: TOKEN, tokenHeader: 'X-DJDesk-Token' });
  return policy;
}

/** Minimal stand-ins for the Electron objects security.apply() touches. */
function fakeElectron() {
  const app = new EventEmitter();
  const opened = [];
  const handlers = {};
  const session = {
    webRequest: { onBeforeSendHeaders: (listener) => { handlers.beforeSendHeaders = listener; } },
    setPermissionRequestHandler: (handler) => { handlers.permissionRequest = handler; },
    setPermissionCheckHandler: (handler) => { handlers.permissionCheck = handler; },
  };
  const shell = { openExternal: async (url) => { opened.push(url); } };
  return { app, session, shell, opened, handlers };
}

class FakeContents extends EventEmitter {
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }

  navigate(url) {
    let prevented = false;
    const event = { url, preventDefault: () => { prevented = true; } };
    this.emit('will-navigate', event, url);
    return prevented;
  }
}

function sendHeaders(handlers, url, requestHeaders = {}) {
  let result;
  handlers.beforeSendHeaders({ url, requestHeaders }, (response) => { result = response; });
  return result.requestHeaders;
}

test('the token header goes to the exact app origin only', () => {
  const { app, session, shell, handlers } = fakeElectron();
  security.apply({ app, session, shell }, readyPolicy(), { childWindowOptions: () => ({}) });

  assert.equal(sendHeaders(handlers, `${ORIGIN}/djdesk/`)['X-DJDesk-Token'], TOKEN);
  assert.equal(sendHeaders(handlers, `http://127.0.0.1:${PORT}/static/app.css?x=1`)['X-DJDesk-Token'], TOKEN);

  const foreign = [
    `http://127.0.0.1:${PORT + 1}/`,
    `http://localhost:${PORT}/`,
    'http://localhost.evil.com/',
    `http://localhost.evil.com:${PORT}/`,
    `http://127.0.0.1:${PORT}.evil.com/`,
    `http://127.0.0.1.evil.com:${PORT}/`,
    `https://127.0.0.1:${PORT}/`,
    `ws://127.0.0.1:${PORT}/`,
    `http://127.0.0.1:${PORT}@evil.com/`,
    'http://127.0.0.1/',
    'https://example.com/',
    'file:///etc/passwd',
    'not a url',
  ];
  for (const url of foreign) {
    const headers = sendHeaders(handlers, url, { Accept: '*/*' });
    assert.equal(headers['X-DJDesk-Token'], undefined, url);
    assert.equal(headers.Accept, '*/*');
  }
});

test('a token header set by a page is stripped from foreign requests', () => {
  const headers = security.requestHeadersFor('https://evil.example/', { 'x-djdesk-token': 'stolen' }, readyPolicy().state);
  assert.deepEqual(headers, {});
});

test('no token is sent before READY or after a crash clears the policy', () => {
  const policy = security.createPolicy();
  assert.deepEqual(security.requestHeadersFor(`${ORIGIN}/`, {}, policy.state), {});
  policy.setBackend({ port: PORT, token: TOKEN });
  policy.clear();
  assert.deepEqual(security.requestHeadersFor(`${ORIGIN}/`, {}, policy.state), {});
});

test('navigation to another origin is denied; http(s) goes to the OS browser', () => {
  const { app, session, shell, opened } = fakeElectron();
  const policy = readyPolicy();
  security.apply({ app, session, shell }, policy, { childWindowOptions: () => ({}) });
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);

  assert.equal(contents.navigate(`${ORIGIN}/djdesk/workspaces/`), false);
  assert.equal(contents.navigate(`http://127.0.0.1:${PORT + 1}/`), true);
  assert.equal(contents.navigate('https://docs.djangoproject.com/'), true);
  assert.equal(contents.navigate('file:///etc/passwd'), true);
  assert.equal(contents.navigate('javascript:alert(1)'), true);
  assert.deepEqual(opened, [`http://127.0.0.1:${PORT + 1}/`, 'https://docs.djangoproject.com/']);
});

test('redirects are guarded like navigations', () => {
  const { app, session, shell } = fakeElectron();
  security.apply({ app, session, shell }, readyPolicy(), { childWindowOptions: () => ({}) });
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);
  let prevented = false;
  contents.emit('will-redirect', { url: 'smb://evil/share', preventDefault: () => { prevented = true; } });
  assert.equal(prevented, true);
});

test('window.open: same origin in-app with hardened options, http(s)/mailto external, rest denied', () => {
  const { app, session, shell, opened } = fakeElectron();
  const child = { webPreferences: { sandbox: true, contextIsolation: true } };
  security.apply({ app, session, shell }, readyPolicy(), { childWindowOptions: () => child });
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);

  assert.deepEqual(contents.windowOpenHandler({ url: `${ORIGIN}/djdesk/docs/` }), {
    action: 'allow', overrideBrowserWindowOptions: child,
  });
  assert.deepEqual(contents.windowOpenHandler({ url: 'https://github.com/' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler({ url: 'mailto:team@example.com' }), { action: 'deny' });
  for (const url of ['file:///C:/Windows/', 'javascript:alert(1)', 'smb://host/share', 'about:blank', 'data:text/html,hi']) {
    assert.deepEqual(contents.windowOpenHandler({ url }), { action: 'deny' }, url);
  }
  assert.deepEqual(opened, ['https://github.com/', 'mailto:team@example.com']);
});

test('<webview> attachment is always prevented', () => {
  const { app, session, shell } = fakeElectron();
  security.apply({ app, session, shell }, readyPolicy(), { childWindowOptions: () => ({}) });
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);
  let prevented = false;
  contents.emit('will-attach-webview', { preventDefault: () => { prevented = true; } }, {}, {});
  assert.equal(prevented, true);
});

test('openExternal allows http, https and mailto only', () => {
  for (const url of ['http://example.com/', 'https://example.com/a?b#c', 'mailto:someone@example.com']) {
    assert.equal(security.isSafeExternalUrl(url), true, url);
  }
  const refused = [
    'javascript:alert(1)', 'JavaScript:alert(1)', 'file:///etc/passwd', 'file://server/share', 'smb://host/share',
    'ms-msdt:/id', 'vbscript:msgbox', 'data:text/html,x', 'about:blank', 'ftp://example.com/', 'http://',
    'https://user:pass@example.com/', '/relative', '', 'x'.repeat(9000),
  ];
  for (const url of refused) assert.equal(security.isSafeExternalUrl(url), false, url);
  assert.equal(security.isSafeExternalUrl(null), false);
  assert.equal(security.isSafeExternalUrl({ toString: () => 'https://example.com' }), false);
});

test('permission requests are denied except notifications from the app origin', () => {
  const { app, session, shell, handlers } = fakeElectron();
  security.apply({ app, session, shell }, readyPolicy(), { childWindowOptions: () => ({}) });
  const ask = (permission, requestingUrl) => {
    let granted;
    handlers.permissionRequest({ getURL: () => requestingUrl }, permission, (value) => { granted = value; }, { requestingUrl });
    return granted;
  };
  assert.equal(ask('notifications', `${ORIGIN}/djdesk/`), true);
  for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'midiSysex', 'unknown']) {
    assert.equal(ask(permission, `${ORIGIN}/`), false, permission);
  }
  assert.equal(ask('notifications', 'https://evil.example/'), false);
  assert.equal(handlers.permissionCheck({}, 'notifications', ORIGIN), true);
  assert.equal(handlers.permissionCheck({}, 'media', ORIGIN), false);
  assert.equal(handlers.permissionCheck({}, 'notifications', 'http://127.0.0.1:1'), false);
});

test('IPC sender check accepts the app frame only', () => {
  assert.equal(security.isTrustedSender({ senderFrame: { url: `${ORIGIN}/djdesk/` } }, ORIGIN), true);
  for (const url of [`http://127.0.0.1:${PORT + 1}/`, 'https://evil.example/', 'file:///splash.html', 'about:blank', '']) {
    assert.equal(security.isTrustedSender({ senderFrame: { url } }, ORIGIN), false, url);
  }
  assert.equal(security.isTrustedSender({ senderFrame: null }, ORIGIN), false);
  assert.equal(security.isTrustedSender({}, ORIGIN), false);
  assert.equal(security.isTrustedSender({ senderFrame: { url: `${ORIGIN}/` } }, null), false);
});

test('appOrigin validates the port', () => {
  assert.equal(security.appOrigin(8000), 'http://127.0.0.1:8000');
  assert.throws(() => security.appOrigin(0), RangeError);
  assert.throws(() => security.appOrigin('8000'), RangeError);
});
