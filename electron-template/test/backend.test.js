'use strict';
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const test = require('node:test');

const {
  Backend,
  childEnv,
  bundleLayout,
  findOnPath,
  parseReadyLine,
  resolveInterpreter,
  LineSplitter,
} = require('../src/backend');

const FAKE_LAUNCHER = path.join(__dirname, 'fixtures', 'fake-launcher.js');
const IS_WINDOWS = process.platform === 'win32';

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'djdesk-backend-'));
}

/** A Backend that runs test/fixtures/fake-launcher.js in the given mode. */
function fakeBackend(t, mode, options = {}) {
  const dir = tempDir();
  const backend = new Backend({
    settingsModule: 'atlas.settings',
    dataDir: path.join(dir, 'data'),
    projectDir: dir,
    logFile: path.join(dir, 'logs', 'backend.log'),
    interpreter: process.execPath,
    launcherArgs: [FAKE_LAUNCHER, mode],
    readyTimeoutMs: 5000,
    killGraceMs: 500,
    env: { ...process.env, DJDESK_TEST_SECRET: 'hunter2', DJANGO_SETTINGS_MODULE: 'leak.settings' },
    ...options,
  });
  t.after(async () => {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { backend, dir, dataDir: path.join(dir, 'data') };
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function waitGone(pid, ms = 3000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return !isAlive(pid);
}

test('parseReadyLine reads the READY payload', () => {
  const info = parseReadyLine('DJDESK_READY {"port": 8123, "pid": 42, "token_header": "X-DJDesk-Token", "version": "1.2"}');
  assert.deepEqual(info, { port: 8123, pid: 42, tokenHeader: 'X-DJDesk-Token', version: '1.2' });
  assert.equal(parseReadyLine('DJDESK_READY {"port": 8123}\r').port, 8123);
});

test('parseReadyLine ignores anything that is not the READY line', () => {
  for (const line of ['', 'Performing system checks...', 'DJDESK_READYX {"port": 1}', ' DJDESK_READY {"port": 1}',
    '{"port": 1}', 'djdesk_ready {"port": 1}']) {
    assert.equal(parseReadyLine(line), null, line);
  }
});

test('parseReadyLine refuses a malformed READY line', () => {
  assert.throws(() => parseReadyLine('DJDESK_READY {nope}'), /not JSON/);
  assert.throws(() => parseReadyLine('DJDESK_READY {"pid": 1}'), /port/);
  assert.throws(() => parseReadyLine('DJDESK_READY {"port": 0}'), /port/);
  assert.throws(() => parseReadyLine('DJDESK_READY {"port": 70000}'), /port/);
  assert.throws(() => parseReadyLine('DJDESK_READY {"port": "80"}'), /port/);
  assert.throws(() => parseReadyLine('DJDESK_READY {"port": 80, "token_header": "X: y"}'), /token_header/);
});

test('LineSplitter joins chunks, handles CRLF and caps runaway lines', () => {
  const lines = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  splitter.push('DJDESK_RE');
  splitter.push('ADY {"port": 1}\r\nsecond');
  splitter.push(' line\n');
  splitter.push('x'.repeat(70 * 1024));
  splitter.flush();
  assert.deepEqual(lines.slice(0, 2), ['DJDESK_READY {"port": 1}', 'second line']);
  assert.equal(lines[2].length, 64 * 1024);
});

test('childEnv passes an allowlist, not the parent environment', () => {
  const env = childEnv({
    parentEnv: {
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      XDG_RUNTIME_DIR: '/run/user/1',
      TMPDIR: '/tmp',
      SECRET_KEY: 's3cret',
      DJANGO_SETTINGS_MODULE: 'other.settings',
      PYTHONPATH: '/evil',
      AWS_SECRET_ACCESS_KEY: 'x',
      NODE_OPTIONS: '--inspect',
      DJDESK_TOKEN: 'parent-token',
    },
    platform: 'linux',
    pythonPath: null,
  });
  assert.deepEqual(Object.keys(env).sort(), [
    'HOME', 'LANG', 'LC_ALL', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED',
    'TMPDIR', 'XDG_RUNTIME_DIR',
  ]);
  // The token travels on stdin (--token-stdin); a parent's own token never leaks either.
  assert.equal(env.DJDESK_TOKEN, undefined);
});

test('childEnv matches Windows names case-insensitively and sets PYTHONPATH for bundles', () => {
  const env = childEnv({
    parentEnv: { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\u', ComSpec: 'cmd.exe' },
    platform: 'win32',
    pythonPath: 'C:\\b\\app;C:\\b\\site-packages',
  });
  assert.equal(env.Path, 'C:\\Windows');
  assert.equal(env.SystemRoot, 'C:\\Windows');
  assert.equal(env.ComSpec, undefined);
  assert.equal(env.PYTHONPATH, 'C:\\b\\app;C:\\b\\site-packages');
  assert.equal(env.PYTHONNOUSERSITE, '1');
});

function fakeFs(files, dirs = []) {
  const fileSet = new Set(files);
  const dirSet = new Set(dirs);
  return {
    statSync(file) {
      if (fileSet.has(file)) return { isFile: () => true, isDirectory: () => false };
      if (dirSet.has(file)) return { isFile: () => false, isDirectory: () => true };
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
  };
}

test('resolveInterpreter prefers the bundled runtime on every platform', () => {
  const posix = bundleLayout('/opt/App/resources/django-bundle', 'linux');
  assert.equal(posix.python, '/opt/App/resources/django-bundle/python/bin/python3');
  let resolved = resolveInterpreter({
    bundleDir: '/opt/App/resources/django-bundle',
    env: { PYTHON: '/usr/bin/python3.12', PATH: '/usr/bin' },
    platform: 'linux',
    fs: fakeFs([posix.python, '/usr/bin/python3']),
  });
  assert.equal(resolved.mode, 'bundle');
  assert.equal(resolved.python, posix.python);

  const win = bundleLayout('C:\\App\\resources\\django-bundle', 'win32');
  assert.equal(win.python, 'C:\\App\\resources\\django-bundle\\python\\python.exe');
  resolved = resolveInterpreter({
    bundleDir: 'C:\\App\\resources\\django-bundle', env: {}, platform: 'win32', fs: fakeFs([win.python]),
  });
  assert.equal(resolved.python, win.python);
});

test('resolveInterpreter falls back to $PYTHON, a project venv, then PATH', () => {
  const base = { bundleDir: '/r/django-bundle', projectDir: '/proj', platform: 'linux' };
  assert.equal(resolveInterpreter({ ...base, env: { PYTHON: '/x/python' }, fs: fakeFs([]) }).python, '/x/python');
  assert.equal(
    resolveInterpreter({ ...base, env: { PATH: '/usr/bin' }, fs: fakeFs(['/proj/.venv/bin/python', '/usr/bin/python3']) }).python,
    '/proj/.venv/bin/python',
  );
  assert.equal(
    resolveInterpreter({ ...base, env: { PATH: '/opt/bin:/usr/bin' }, fs: fakeFs(['/usr/bin/python3', '/usr/bin/python']) }).python,
    '/usr/bin/python3',
  );
  assert.equal(resolveInterpreter({ ...base, env: { PATH: '/nope' }, fs: fakeFs([]) }).python, 'python3');
  assert.equal(
    findOnPath(['python'], { env: { Path: 'C:\\Py' }, platform: 'win32', fs: fakeFs(['C:\\Py\\python.exe']) }),
    'C:\\Py\\python.exe',
  );
});

test('launchSpec runs the launcher module with the bundle on PYTHONPATH', () => {
  const backend = new Backend({
    settingsModule: 'atlas.settings',
    dataDir: '/data',
    bundleDir: '/r/django-bundle',
    platform: 'linux',
    env: { PATH: '/usr/bin', SECRET_KEY: 'x' },
  }, { fs: fakeFs(['/r/django-bundle/python/bin/python3'], ['/r/django-bundle/app']) });
  const spec = backend.launchSpec();
  assert.equal(spec.command, '/r/django-bundle/python/bin/python3');
  assert.deepEqual(spec.args, [
    '-m', 'djdesk_electron_kit.launch', '--settings', 'atlas.settings', '--data-dir', '/data', '--token-stdin',
  ]);
  assert.equal(spec.env.DJDESK_TOKEN, undefined);
  assert.equal(spec.cwd, '/r/django-bundle/app');
  assert.equal(spec.env.PYTHONPATH, '/r/django-bundle/app:/r/django-bundle/site-packages');
  assert.equal(spec.env.SECRET_KEY, undefined);
});

test('a packaged app without a bundle refuses to use a system python', async () => {
  const backend = new Backend({
    settingsModule: 'atlas.settings', dataDir: '/data', bundleDir: '/r/django-bundle', requireBundle: true,
    platform: 'linux', env: { PATH: '/usr/bin' },
  }, { fs: fakeFs(['/usr/bin/python3']) });
  await assert.rejects(backend.start(), /djdesk_bundle/);
  assert.equal(backend.running, false);
});

test('READY is parsed from real output, garbage and decoys ignored', async (t) => {
  const { backend, dataDir } = fakeBackend(t, 'ready');
  const info = await backend.start();
  assert.equal(info.port, 43210);
  assert.equal(info.origin, 'http://127.0.0.1:43210');
  assert.equal(info.tokenHeader, 'X-DJDesk-Token');
  assert.equal(info.version, '0.0.test');
  assert.match(info.token, /^[0-9a-f]{64}$/);
  assert.equal(backend.running, true);

  const received = JSON.parse(fs.readFileSync(path.join(dataDir, 'received.json'), 'utf8'));
  assert.deepEqual(received.argv.slice(1), ['--settings', 'atlas.settings', '--data-dir', dataDir, '--token-stdin']);
  // The token arrived as stdin's first line, and is nowhere in the child's environment.
  assert.equal(received.stdinToken, info.token);
  assert.equal(received.env.DJDESK_TOKEN, undefined);
  assert.ok(!JSON.stringify(received.env).includes(info.token), 'the token must not be in the environment');
  assert.equal(received.env.DJDESK_TEST_SECRET, undefined);
  assert.equal(received.env.DJANGO_SETTINGS_MODULE, undefined);
  assert.equal(received.env.PYTHONUNBUFFERED, '1');
  assert.equal(received.env.PYTHONDONTWRITEBYTECODE, '1');

  await backend.stop();
  assert.equal(backend.running, false);
  assert.ok(await waitGone(received.pid), 'launcher still running after stop()');
  const log = fs.readFileSync(backend.options.logFile, 'utf8');
  assert.match(log, /Watching for file changes/);
  assert.match(log, /settings=atlas\.settings/);
  assert.ok(!log.includes(info.token), 'the token must never reach the log');
});

test('each start gets a fresh token', async (t) => {
  const { backend } = fakeBackend(t, 'split');
  const first = await backend.start();
  assert.equal(first.port, 43211);
  const second = await backend.restart();
  assert.notEqual(first.token, second.token);
});

test('no READY before the deadline: rejects with the log tail and kills the child', async (t) => {
  const { backend, dataDir } = fakeBackend(t, 'never-ready', { readyTimeoutMs: 700 });
  const started = Date.now();
  const error = await backend.start().then(() => null, (e) => e);
  assert.ok(error, 'start() should reject');
  assert.match(error.message, /did not print DJDESK_READY within 0\.7 s/);
  assert.match(error.message, /Applying migrations/);
  assert.match(error.message, /still migrating table_42/);
  assert.match(error.logTail, /still migrating/);
  assert.ok(Date.now() - started < 4000);
  const { pid } = JSON.parse(fs.readFileSync(path.join(dataDir, 'received.json'), 'utf8'));
  assert.ok(await waitGone(pid), 'launcher left running after the deadline');
  assert.equal(backend.running, false);
});

test('exit before READY rejects with the exit code and stderr', async (t) => {
  const { backend } = fakeBackend(t, 'exit-early');
  await assert.rejects(backend.start(), (error) => {
    assert.match(error.message, /exited before it was ready \(code 1/);
    assert.match(error.message, /No module named 'djdesk_electron_kit'/);
    assert.equal(error.exitCode, 1); // what the startup dialog maps to words
    return true;
  });
});

test('a malformed READY line fails fast instead of waiting for the deadline', async (t) => {
  const { backend } = fakeBackend(t, 'malformed', { readyTimeoutMs: 20000 });
  const started = Date.now();
  await assert.rejects(backend.start(), /malformed DJDESK_READY/);
  assert.ok(Date.now() - started < 5000);
});

test('a missing project directory is named, not reported as a missing python', async (t) => {
  const { backend } = fakeBackend(t, 'ready', { projectDir: path.join(os.tmpdir(), 'no-such-project-djdesk') });
  await assert.rejects(backend.start(), /backend directory not found: .*no-such-project-djdesk/);
});

test('a missing interpreter is reported clearly', async (t) => {
  const { backend } = fakeBackend(t, 'ready', { interpreter: path.join(os.tmpdir(), 'no-such-python-djdesk') });
  await assert.rejects(backend.start(), /cannot start Python interpreter .*not found/);
  assert.equal(backend.running, false);
});

test('start() twice is refused', async (t) => {
  const { backend } = fakeBackend(t, 'ready');
  await backend.start();
  await assert.rejects(backend.start(), /already running/);
});

test('a crash after READY emits "crash" with the tail, and a restart recovers', async (t) => {
  const { backend } = fakeBackend(t, 'crash-once');
  const crashed = new Promise((resolve) => backend.once('crash', resolve));
  const first = await backend.start();
  const crash = await crashed;
  assert.equal(crash.code, 3);
  assert.match(crash.tail, /RuntimeError: worker boom/);
  assert.equal(crash.logFile, backend.options.logFile);
  assert.equal(backend.running, false);

  const second = await backend.start();
  assert.notEqual(second.token, first.token);
  assert.equal(backend.running, true);
});

test('stop() does not report a crash', async (t) => {
  const { backend } = fakeBackend(t, 'ready');
  let crashes = 0;
  backend.on('crash', () => { crashes += 1; });
  await backend.start();
  await backend.stop();
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.equal(crashes, 0);
});

test('stop() kills a child and the grandchild it spawned (no orphan)', async (t) => {
  const { backend, dataDir } = fakeBackend(t, 'grandchild', { killGraceMs: 400 });
  await backend.start();
  const pids = JSON.parse(fs.readFileSync(path.join(dataDir, 'pids.json'), 'utf8'));
  assert.ok(isAlive(pids.child) && isAlive(pids.grandchild));
  await backend.stop();
  assert.ok(await waitGone(pids.child), 'child survived stop()');
  assert.ok(await waitGone(pids.grandchild), 'grandchild orphaned by stop()');
});

test('stop() escalates to SIGKILL when SIGTERM is ignored', { skip: IS_WINDOWS && 'taskkill /F is immediate on Windows' }, async (t) => {
  const { backend } = fakeBackend(t, 'stubborn', { killGraceMs: 300 });
  const info = await backend.start();
  const started = Date.now();
  await backend.stop();
  assert.ok(await waitGone(info.childPid));
  assert.ok(Date.now() - started < 3000);
  assert.match(fs.readFileSync(backend.options.logFile, 'utf8'), /SIGKILL/);
});

/** A scripted child process for tests that should not spawn anything. */
class FakeChild extends EventEmitter {
  constructor() {
    super();
    this.pid = 4242;
    this.exitCode = null;
    this.signalCode = null;
    this.stdin = new PassThrough();
    this.stdout = new PassThrough();
    this.stderr = new PassThrough();
  }

  exit(code, signal = null) {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
    this.emit('close', code, signal);
  }
}

test('injected spawn, kill and timers drive the whole lifecycle', async () => {
  const child = new FakeChild();
  const calls = { spawn: [], kill: [] };
  const backend = new Backend({
    settingsModule: 'atlas.settings',
    dataDir: '/data',
    projectDir: '/proj',
    interpreter: '/usr/bin/python3',
    platform: 'linux',
    env: { PATH: '/usr/bin' },
  }, {
    spawn: (command, args, options) => {
      calls.spawn.push({ command, args, options });
      return child;
    },
    kill: (pid, signal) => {
      calls.kill.push([pid, signal]);
      if (signal === 'SIGTERM') setImmediate(() => child.exit(null, 'SIGTERM'));
      if (signal === 0 && child.exitCode === null && child.signalCode === null) return true;
      if (signal === 0) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      return true;
    },
    randomBytes: (n) => Buffer.alloc(n, 0xab),
    fs: fakeFs([], ['/proj']),
  });
  const stdin = [];
  child.stdin.on('data', (chunk) => stdin.push(chunk.toString('utf8')));
  const started = backend.start();
  child.stdout.write('noise\nDJDESK_READY {"port": 5555, "pid": 4242}\n');
  const info = await started;
  assert.equal(info.token, 'ab'.repeat(32));
  assert.equal(stdin.join(''), `${'ab'.repeat(32)}\n`, 'the token line, and nothing else, on stdin');
  assert.ok(calls.spawn[0].args.includes('--token-stdin'));
  assert.equal(calls.spawn[0].options.env.DJDESK_TOKEN, undefined);
  assert.equal(info.origin, 'http://127.0.0.1:5555');
  assert.equal(calls.spawn[0].options.detached, true);
  assert.equal(calls.spawn[0].options.cwd, '/proj');
  assert.equal(calls.spawn[0].options.shell, undefined);
  await backend.stop();
  assert.deepEqual(calls.kill[0], [-4242, 'SIGTERM']);
});

test('on Windows stop() closes stdin first and exits cleanly without taskkill', async () => {
  const child = new FakeChild();
  const execCalls = [];
  child.stdin.on('finish', () => child.exit(0));
  const backend = new Backend({
    settingsModule: 'atlas.settings', dataDir: 'C:\\data', interpreter: 'C:\\py\\python.exe', platform: 'win32', env: {},
  }, {
    spawn: () => child,
    execFile: (file, args) => execCalls.push({ file, args }),
  });
  const started = backend.start();
  child.stdout.write('DJDESK_READY {"port": 5556}\n');
  await started;
  await backend.stop();
  assert.equal(child.exitCode, 0);
  assert.deepEqual(execCalls, []);
});

test('on Windows a launcher that ignores stdin gets taskkill /T /F through execFile, never a shell', async () => {
  const child = new FakeChild();
  const execCalls = [];
  const backend = new Backend({
    settingsModule: 'atlas.settings', dataDir: 'C:\\data', interpreter: 'C:\\py\\python.exe', platform: 'win32', env: {}, killGraceMs: 50,
  }, {
    spawn: () => child,
    execFile: (file, args, options, callback) => {
      execCalls.push({ file, args, options });
      child.exit(1);
      callback(null);
    },
  });
  const started = backend.start();
  child.stdout.write('DJDESK_READY {"port": 5556}\n');
  await started;
  await backend.stop();
  assert.deepEqual(execCalls.map((c) => [c.file, c.args]), [['taskkill', ['/pid', '4242', '/T', '/F']]]);
  assert.equal(execCalls[0].options.shell, undefined);
});
