'use strict';
// Drives main.js's wire() with stand-ins for the electron module and the backend.
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { wire } = require('../src/main');
const { CHANNELS } = require('../src/ipc');

function tick() {
  return new Promise((resolve) => setImmediate(resolve));
}

function configFile(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djdesk-main-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app-config.json');
  fs.writeFileSync(file, JSON.stringify({
    productName: 'Atlas', appId: 'com.example.atlas', settingsModule: 'atlas.settings_desktop', startPath: '/djdesk/',
  }));
  return file;
}

class FakeBackend extends EventEmitter {
  constructor(options, script) {
    super();
    this.options = options;
    this.script = script;
    this.starts = 0;
    this.stops = 0;
    this.killed = 0;
    this.running = false;
  }

  async start() {
    const next = this.script[this.starts];
    this.starts += 1;
    if (next instanceof Error) throw next;
    this.running = true;
    return next;
  }

  async stop() {
    this.stops += 1;
    this.running = false;
  }

  killNow() {
    this.killed += 1;
  }
}

function fakeElectron({ lock = true, isPackaged = false, responses = [] } = {}) {
  const windows = [];
  const dialogs = [];
  const calls = { quit: 0, menu: null, quitPrevented: 0 };
  const ipcHandlers = new Map();
  class BrowserWindow extends EventEmitter {
    constructor(options) {
      super();
      this.options = options;
      this.loaded = [];
      this.destroyed = false;
      this.visible = false;
      this.focused = false;
      windows.push(this);
    }

    loadFile(file) { this.loaded.push(file); return Promise.resolve(); }

    loadURL(url) { this.loaded.push(url); return Promise.resolve(); }

    show() { this.visible = true; }

    destroy() { this.destroyed = true; this.emit('closed'); }

    isDestroyed() { return this.destroyed; }

    isMinimized() { return false; }

    restore() {}

    focus() { this.focused = true; }
  }
  const app = Object.assign(new EventEmitter(), {
    isPackaged,
    requestSingleInstanceLock: () => lock,
    whenReady: () => Promise.resolve(),
    getPath: (name) => path.join(os.tmpdir(), 'djdesk-fake', name),
    quit() {
      calls.quit += 1;
      let prevented = false;
      this.emit('before-quit', { preventDefault: () => { prevented = true; } });
      if (prevented) calls.quitPrevented += 1;
    },
  });
  const electron = {
    app,
    BrowserWindow,
    Menu: {
      buildFromTemplate: (template) => template,
      setApplicationMenu: (menu) => { calls.menu = menu; },
    },
    Notification: class { show() {} },
    dialog: {
      showMessageBox: async (...args) => {
        dialogs.push(args[args.length - 1]);
        return { response: responses.shift() ?? 1 };
      },
    },
    ipcMain: { handle: (channel, handler) => ipcHandlers.set(channel, handler), removeHandler() {} },
    session: {
      defaultSession: {
        webRequest: { onBeforeSendHeaders() {} },
        setPermissionRequestHandler() {},
        setPermissionCheckHandler() {},
      },
    },
    shell: { openExternal: async () => {} },
  };
  return { electron, windows, dialogs, calls, ipcHandlers };
}

function boot(t, electronOptions, script) {
  const fake = fakeElectron(electronOptions);
  const proc = Object.assign(new EventEmitter(), { env: {}, platform: 'linux', resourcesPath: '/opt/atlas/resources' });
  let backend = null;
  const wired = wire(fake.electron, {
    configFile: configFile(t),
    proc,
    log: () => {},
    createBackend: (options) => {
      backend = new FakeBackend(options, script);
      return backend;
    },
  });
  return { ...fake, proc, wired, backend: () => backend };
}

const READY = { port: 41000, origin: 'http://127.0.0.1:41000', token: 'a'.repeat(64), tokenHeader: 'X-DJDesk-Token' };
const READY_AGAIN = { port: 41001, origin: 'http://127.0.0.1:41001', token: 'b'.repeat(64), tokenHeader: 'X-DJDesk-Token' };

test('a second instance quits at once and starts nothing', async (t) => {
  const run = boot(t, { lock: false }, [READY]);
  await run.wired.ready;
  assert.equal(run.calls.quit, 1);
  assert.equal(run.windows.length, 0);
  assert.equal(run.backend(), null);
});

test('splash, then the backend, then the hardened main window at the start path', async (t) => {
  const run = boot(t, {}, [READY]);
  await run.wired.ready;
  const [splash, main] = run.windows;
  assert.equal(splash.options.frame, false);
  assert.equal(splash.options.webPreferences.preload, undefined);
  assert.match(splash.loaded[0], /splash\.html$/);
  assert.equal(main.options.webPreferences.sandbox, true);
  assert.equal(main.options.webPreferences.contextIsolation, true);
  assert.match(main.options.webPreferences.preload, /preload\.cjs$/);
  assert.deepEqual(main.loaded, ['http://127.0.0.1:41000/djdesk/']);
  assert.equal(main.visible, false);

  main.emit('ready-to-show');
  assert.equal(main.visible, true);
  assert.equal(splash.destroyed, true);

  const options = run.backend().options;
  assert.equal(options.settingsModule, 'atlas.settings_desktop');
  assert.equal(options.requireBundle, false);
  assert.equal(options.bundleDir, path.join('/opt/atlas/resources', 'django-bundle'));
  assert.equal(options.dataDir, path.join(os.tmpdir(), 'djdesk-fake', 'userData'));
});

test('IPC is answered for the backend origin once READY arrived', async (t) => {
  const run = boot(t, {}, [READY]);
  await run.wired.ready;
  const notify = run.ipcHandlers.get(CHANNELS.notify);
  assert.equal(await notify({ senderFrame: { url: `${READY.origin}/djdesk/` } }, { title: 'hi' }), true);
  assert.throws(() => notify({ senderFrame: { url: 'http://127.0.0.1:41001/' } }, { title: 'hi' }), /not the app/);
});

test('development menus have DevTools, packaged ones do not', async (t) => {
  const dev = boot(t, { isPackaged: false }, [READY]);
  await dev.wired.ready;
  assert.match(JSON.stringify(dev.calls.menu), /toggleDevTools/);
  const packaged = boot(t, { isPackaged: true }, [READY]);
  await packaged.wired.ready;
  assert.doesNotMatch(JSON.stringify(packaged.calls.menu), /toggleDevTools|"reload"/);
  assert.equal(packaged.backend().options.requireBundle, true);
});

test('a failed start shows Retry/Quit; Retry starts again', async (t) => {
  const failure = new Error('backend did not print DJDESK_READY within 30 s');
  const run = boot(t, { responses: [0] }, [failure, READY]);
  await run.wired.ready;
  assert.equal(run.dialogs.length, 1);
  assert.deepEqual(run.dialogs[0].buttons, ['Retry', 'Quit']);
  assert.match(run.dialogs[0].detail, /DJDESK_READY within 30 s/);
  assert.equal(run.backend().starts, 2);
  assert.equal(run.windows.length, 2, 'the splash is reused for the retry');
  assert.equal(run.windows[0].destroyed, false, 'the splash stays up behind the dialog');
  assert.deepEqual(run.windows[1].loaded, ['http://127.0.0.1:41000/djdesk/']);
});

test('a failed start and Quit quits', async (t) => {
  const run = boot(t, { responses: [1] }, [new Error('boom')]);
  await run.wired.ready;
  assert.equal(run.calls.quit, 1);
  assert.equal(run.windows.filter((w) => w.options.webPreferences.preload).length, 0);
});

test('a crash shows the log tail; Restart reloads the same window on the new origin', async (t) => {
  const run = boot(t, { responses: [0] }, [READY, READY_AGAIN]);
  await run.wired.ready;
  const main = run.windows[1];
  run.backend().emit('crash', { code: 3, signal: null, tail: 'RuntimeError: worker boom', logFile: '/logs/backend.log' });
  await tick();
  await tick();
  assert.deepEqual(run.dialogs[0].buttons, ['Restart', 'Quit']);
  assert.match(run.dialogs[0].detail, /worker boom/);
  assert.equal(run.windows.length, 2, 'no new window on restart');
  assert.deepEqual(main.loaded, ['http://127.0.0.1:41000/djdesk/', 'http://127.0.0.1:41001/djdesk/']);
});

test('quitting waits for backend.stop(), then quits for real', async (t) => {
  const run = boot(t, {}, [READY]);
  await run.wired.ready;
  run.electron.app.quit();
  assert.equal(run.calls.quitPrevented, 1);
  assert.equal(run.backend().stops, 1);
  await tick();
  assert.equal(run.calls.quit, 2);
  assert.equal(run.calls.quitPrevented, 1);
});

test('a second launch focuses the window; process exit kills the backend tree', async (t) => {
  const run = boot(t, {}, [READY]);
  await run.wired.ready;
  run.electron.app.emit('second-instance');
  assert.equal(run.windows[1].focused, true);
  run.proc.emit('exit');
  assert.equal(run.backend().killed, 1);
});
