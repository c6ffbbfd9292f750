'use strict';
const assert = require('node:assert/strict');
const test = require('node:test');

const { buildMenuTemplate } = require('../src/menu');
const dialogs = require('../src/dialogs');

function roles(template) {
  const out = [];
  const walk = (items) => items.forEach((item) => {
    if (item.role) out.push(item.role);
    if (Array.isArray(item.submenu)) walk(item.submenu);
  });
  walk(template);
  return out;
}

test('Reload and DevTools exist only in development', () => {
  for (const platform of ['darwin', 'win32', 'linux']) {
    const dev = roles(buildMenuTemplate({ productName: 'Atlas', isDev: true, platform }));
    const prod = roles(buildMenuTemplate({ productName: 'Atlas', isDev: false, platform }));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
      assert.ok(dev.includes(role), `${platform} dev menu lacks ${role}`);
      assert.ok(!prod.includes(role), `${platform} production menu has ${role}`);
    }
    assert.ok(prod.includes('copy') && prod.includes('paste'));
  }
});

test('macOS gets an app menu named after the product', () => {
  assert.equal(buildMenuTemplate({ productName: 'Atlas', isDev: false, platform: 'darwin' })[0].label, 'Atlas');
  assert.equal(buildMenuTemplate({ productName: 'Atlas', isDev: false, platform: 'linux' })[0].label, 'File');
});

test('crash dialog offers Restart/Quit with the log tail', () => {
  const tail = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
  const options = dialogs.crashDialogOptions({
    productName: 'Atlas',
    crash: { code: 3, signal: null, tail, logFile: '/logs/backend.log' },
  });
  assert.deepEqual(options.buttons, ['Restart', 'Quit']);
  assert.equal(options.defaultId, dialogs.RESTART);
  assert.equal(options.cancelId, dialogs.QUIT);
  assert.match(options.message, /exit code 3/);
  assert.match(options.detail, /line 39/);
  assert.doesNotMatch(options.detail, /line 1\n/);
  assert.match(options.detail, /Full log: \/logs\/backend\.log/);
});

test('startup error dialog shows the error and offers Retry', () => {
  const error = Object.assign(new Error('backend did not print DJDESK_READY within 30 s\nboom'), { logFile: null });
  const options = dialogs.startupErrorDialogOptions({ productName: 'Atlas', error });
  assert.deepEqual(options.buttons, ['Retry', 'Quit']);
  assert.match(options.detail, /DJDESK_READY within 30 s\nboom$/);
});

test('the launcher\'s exit codes are explained in words, unknown ones are not guessed', () => {
  const locked = Object.assign(new Error('backend exited before it was ready (code 6, signal null)'), {
    exitCode: 6,
    logFile: null,
  });
  const startup = dialogs.startupErrorDialogOptions({ productName: 'Atlas', error: locked });
  assert.match(startup.message, /^Atlas could not start its local server\. Another copy is already running with the same data folder/);
  const unwritable = dialogs.startupErrorDialogOptions({
    productName: 'Atlas',
    error: Object.assign(new Error('x'), { exitCode: 7, logFile: null }),
  });
  assert.match(unwritable.message, /data folder cannot be created or written/);
  const crash = dialogs.crashDialogOptions({
    productName: 'Atlas',
    crash: { code: 5, signal: null, tail: '', logFile: null },
  });
  assert.match(crash.message, /\(exit code 5\)\. Its background worker could not start/);
  for (const code of [0, 1, 42, null, undefined]) assert.equal(dialogs.exitReason(code), null);
  const killed = dialogs.crashDialogOptions({
    productName: 'Atlas',
    crash: { code: null, signal: 'SIGKILL', tail: '', logFile: null },
  });
  assert.equal(killed.message, 'Atlas stopped unexpectedly (signal SIGKILL).');
  assert.deepEqual(Object.keys(dialogs.EXIT_REASONS).map(Number), [2, 3, 4, 5, 6, 7]);
});
