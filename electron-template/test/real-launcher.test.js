'use strict';
// backend.js against the real `python -m djdesk_electron_kit.launch`.
// Runs only when pointed at an interpreter and project that have djdesk installed:
//   DJDESK_TEST_PYTHON=/path/to/python DJDESK_TEST_SETTINGS=example_project.settings \
//   DJDESK_TEST_PROJECT_DIR=/path/to/project node --test test/real-launcher.test.js
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { Backend } = require('../src/backend');
const dialogs = require('../src/dialogs');

const REQUIRED = ['DJDESK_TEST_PYTHON', 'DJDESK_TEST_SETTINGS', 'DJDESK_TEST_PROJECT_DIR'];
const missing = REQUIRED.filter((name) => !process.env[name]);
const skip = missing.length ? `real launcher not configured: set ${missing.join(', ')}` : false;

function get(port, pathname, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.setTimeout(10000, () => request.destroy(new Error(`GET ${pathname} timed out`)));
  });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function groupAlive(pid) {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function eventually(predicate, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return predicate();
}

test('real launcher: READY handshake, token-gated health, no orphan after stop()', { skip, timeout: 120000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djdesk-real-'));
  const backend = new Backend({
    settingsModule: process.env.DJDESK_TEST_SETTINGS,
    dataDir,
    projectDir: path.resolve(process.env.DJDESK_TEST_PROJECT_DIR),
    interpreter: process.env.DJDESK_TEST_PYTHON,
    logFile: path.join(dataDir, 'logs', 'backend.log'),
    readyTimeoutMs: 90000,
  });
  t.after(async () => {
    await backend.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const info = await backend.start();
  t.diagnostic(`READY after ${info.readyMs} ms: port ${info.port}, server pid ${info.pid}, version ${info.version}`);
  assert.ok(info.port > 0);
  assert.equal(info.tokenHeader, 'X-DJDesk-Token');

  const health = '/djdesk/desktop/health/';
  assert.equal(await get(info.port, health, { [info.tokenHeader]: info.token }), 200);
  assert.equal(await get(info.port, health), 403);
  assert.equal(await get(info.port, health, { [info.tokenHeader]: 'f'.repeat(64) }), 403);
  assert.equal(await get(info.port, health, { [info.tokenHeader]: info.token, Host: 'evil.example' }), 400);

  // The token went in on stdin: the launcher's initial environment block never held it.
  const environ = `/proc/${info.childPid}/environ`;
  if (fs.existsSync(environ)) {
    assert.ok(!fs.readFileSync(environ).includes(info.token), 'the token is in the launcher environment');
  }

  await backend.stop();
  assert.equal(backend.running, false);
  assert.ok(await eventually(() => !isAlive(info.childPid)), `launcher ${info.childPid} survived stop()`);
  if (info.pid) assert.ok(await eventually(() => !isAlive(info.pid)), `server pid ${info.pid} survived stop()`);
  assert.ok(await eventually(() => !groupAlive(info.childPid)), 'a process of the launcher group survived stop()');
});

test('real launcher: a second one on the same data folder exits 6 naming the first', { skip, timeout: 180000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djdesk-real-lock-'));
  const backend = (name) => new Backend({
    settingsModule: process.env.DJDESK_TEST_SETTINGS,
    dataDir,
    projectDir: path.resolve(process.env.DJDESK_TEST_PROJECT_DIR),
    interpreter: process.env.DJDESK_TEST_PYTHON,
    logFile: path.join(dataDir, 'logs', `${name}.log`),
    readyTimeoutMs: 90000,
  });
  const first = backend('first');
  const second = backend('second');
  t.after(async () => {
    await second.stop();
    await first.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const info = await first.start();
  await assert.rejects(second.start(), (error) => {
    assert.equal(error.exitCode, 6);
    assert.match(error.message, new RegExp(`in use by another launcher \\(pid ${info.childPid}\\)`));
    assert.match(dialogs.startupErrorDialogOptions({ productName: 'Atlas', error }).message, /Another copy is already running/);
    return true;
  });
  const health = '/djdesk/desktop/health/';
  assert.equal(await get(info.port, health, { [info.tokenHeader]: info.token }), 200);
});
