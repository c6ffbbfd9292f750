'use strict';
/**
 * Supervises the Django launcher (`python -m djdesk_electron_kit.launch`):
 * interpreter resolution, a clean environment, a fresh token written to its stdin
 * (`--token-stdin`: never in the child's environment block, which other processes
 * of the same user can read), the single `DJDESK_READY {json}` handshake, a log file,
 * crash detection after READY and a stop() that takes the whole process tree down.
 *
 * Every side effect goes through injected deps so tests drive it without Electron.
 */
const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');

const LAUNCHER_MODULE = 'djdesk_electron_kit.launch';
const TOKEN_STDIN_FLAG = '--token-stdin';
const READY_RE = /^DJDESK_READY (\{.*\})\s*$/;
const DEFAULT_TOKEN_HEADER = 'X-DJDesk-Token';
const HEADER_NAME_RE = /^[A-Za-z0-9-]{1,64}$/;

// Only what an interpreter needs to run; secrets and DJANGO_* stay in the parent.
const ENV_ALLOWLIST = new Set([
  'PATH', 'HOME', 'USERPROFILE', 'SYSTEMROOT', 'WINDIR', 'PATHEXT',
  'TEMP', 'TMP', 'TMPDIR', 'LANG', 'APPDATA', 'LOCALAPPDATA',
]);
const ENV_PREFIX_ALLOWLIST = ['LC_', 'XDG_'];

const MAX_LINE_CHARS = 64 * 1024;
const TAIL_LINES = 200;
const TAIL_CHARS = 16 * 1024;
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;
const CLOSE_AFTER_EXIT_MS = 500;
const POLL_MS = 50;

function pathFor(platform) {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The child's environment: an allowlist of the parent's, never the whole of it.
 * The token is not in it: it goes to the child's stdin (see start()).
 */
function childEnv({ parentEnv, platform, pythonPath }) {
  const env = {};
  for (const [key, value] of Object.entries(parentEnv || {})) {
    if (typeof value !== 'string') continue;
    // Windows variable names are case-insensitive ("Path", "SystemRoot").
    const name = platform === 'win32' ? key.toUpperCase() : key;
    if (ENV_ALLOWLIST.has(name) || ENV_PREFIX_ALLOWLIST.some((prefix) => name.startsWith(prefix))) {
      env[key] = value;
    }
  }
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONUNBUFFERED = '1';
  if (pythonPath) {
    env.PYTHONPATH = pythonPath;
    // A bundle must not pick up packages from the user's own site directory.
    env.PYTHONNOUSERSITE = '1';
  }
  return env;
}

/** Where things live inside `django-bundle/` (see the bundle contract). */
function bundleLayout(bundleDir, platform) {
  const p = pathFor(platform);
  const python = platform === 'win32'
    ? p.join(bundleDir, 'python', 'python.exe')
    : p.join(bundleDir, 'python', 'bin', 'python3');
  return {
    dir: bundleDir,
    python,
    app: p.join(bundleDir, 'app'),
    sitePackages: p.join(bundleDir, 'site-packages'),
  };
}

function isDirectory(fsApi, dir) {
  try {
    return fsApi.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isFile(fsApi, file) {
  try {
    return fsApi.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** First executable called one of `names` on PATH, or null. */
function findOnPath(names, { env, platform, fs: fsApi }) {
  const p = pathFor(platform);
  const pathValue = Object.entries(env || {}).find(([k]) => (platform === 'win32' ? k.toUpperCase() : k) === 'PATH');
  const dirs = pathValue ? pathValue[1].split(p.delimiter).filter(Boolean) : [];
  const exts = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of dirs) {
    for (const name of names) {
      for (const ext of exts) {
        const candidate = p.join(dir, name + ext);
        if (isFile(fsApi, candidate)) return candidate;
      }
    }
  }
  return null;
}

/**
 * Pick the interpreter: the bundled runtime, then $PYTHON, then a virtualenv in
 * the project, then python3/python on PATH.
 */
function resolveInterpreter({ bundleDir, projectDir, env, platform, fs: fsApi, interpreter }) {
  const p = pathFor(platform);
  if (interpreter) return { python: interpreter, mode: 'explicit', bundle: null };
  if (bundleDir) {
    const bundle = bundleLayout(bundleDir, platform);
    if (isFile(fsApi, bundle.python)) return { python: bundle.python, mode: 'bundle', bundle };
  }
  if (env && env.PYTHON) return { python: env.PYTHON, mode: 'system', bundle: null };
  if (projectDir) {
    const rel = platform === 'win32' ? ['Scripts', 'python.exe'] : ['bin', 'python'];
    for (const venv of ['.venv', 'venv', 'env']) {
      const candidate = p.join(projectDir, venv, ...rel);
      if (isFile(fsApi, candidate)) return { python: candidate, mode: 'venv', bundle: null };
    }
  }
  const names = platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  const found = findOnPath(names, { env, platform, fs: fsApi });
  return { python: found || names[0], mode: 'system', bundle: null };
}

/**
 * Parse one stdout line. Returns null for anything that is not the READY line;
 * throws when a READY line is malformed (a protocol error, not garbage).
 */
function parseReadyLine(line) {
  const match = READY_RE.exec(line);
  if (!match) return null;
  let data;
  try {
    data = JSON.parse(match[1]);
  } catch {
    throw new Error('malformed DJDESK_READY line: payload is not JSON');
  }
  if (!data || typeof data !== 'object') throw new Error('malformed DJDESK_READY line: payload is not an object');
  const { port, pid } = data;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error('malformed DJDESK_READY line: "port" must be an integer 1-65535');
  }
  const tokenHeader = data.token_header === undefined ? DEFAULT_TOKEN_HEADER : data.token_header;
  if (typeof tokenHeader !== 'string' || !HEADER_NAME_RE.test(tokenHeader)) {
    throw new Error('malformed DJDESK_READY line: "token_header" is not a header name');
  }
  return {
    port,
    pid: Number.isInteger(pid) ? pid : null,
    tokenHeader,
    version: typeof data.version === 'string' ? data.version : '',
  };
}

/** Turns chunks into lines; an over-long line is cut so a chatty child cannot exhaust memory. */
class LineSplitter {
  constructor(onLine) {
    this.onLine = onLine;
    this.buffer = '';
  }

  push(chunk) {
    this.buffer += chunk;
    let index;
    while ((index = this.buffer.indexOf('\n')) !== -1) {
      this.onLine(this.buffer.slice(0, index).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(index + 1);
    }
    if (this.buffer.length > MAX_LINE_CHARS) {
      this.onLine(this.buffer.slice(0, MAX_LINE_CHARS));
      this.buffer = '';
    }
  }

  flush() {
    if (this.buffer) this.onLine(this.buffer.replace(/\r$/, ''));
    this.buffer = '';
  }
}

/** The last lines of output, for error messages and the crash dialog. */
class LogTail {
  constructor(maxLines = TAIL_LINES) {
    this.maxLines = maxLines;
    this.lines = [];
  }

  add(line) {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  text(maxChars = TAIL_CHARS) {
    const all = this.lines.join('\n');
    return all.length > maxChars ? all.slice(all.length - maxChars) : all;
  }
}

function defaultDeps() {
  return {
    spawn: childProcess.spawn,
    execFile: childProcess.execFile,
    fs,
    randomBytes: crypto.randomBytes,
    kill: (pid, signal) => process.kill(pid, signal),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle),
    now: () => Date.now(),
  };
}

class Backend extends EventEmitter {
  /**
   * @param {object} options
   * @param {string} options.settingsModule  passed to the launcher as --settings
   * @param {string} options.dataDir         passed as --data-dir (Electron's userData)
   * @param {string} [options.projectDir]    cwd in development (the host Django project)
   * @param {string} [options.bundleDir]     `<resources>/django-bundle`
   * @param {boolean} [options.requireBundle] packaged apps must not fall back to a system python
   * @param {string} [options.logFile]
   * @param {string} [options.interpreter]   skip resolution (tests, benchmarks)
   * @param {string[]} [options.launcherArgs] replaces `-m djdesk_electron_kit.launch`
   * @param {number} [options.readyTimeoutMs=30000]
   * @param {number} [options.killGraceMs=3000]
   * @param {string} [options.platform]
   * @param {object} [options.env]           the parent environment to filter
   * @param {object} [deps]                  see defaultDeps()
   */
  constructor(options, deps = {}) {
    super();
    if (!options || !options.settingsModule) throw new TypeError('settingsModule is required');
    if (!options.dataDir) throw new TypeError('dataDir is required');
    this.options = {
      readyTimeoutMs: 30000,
      killGraceMs: 3000,
      platform: process.platform,
      env: process.env,
      launcherArgs: ['-m', LAUNCHER_MODULE],
      ...options,
    };
    this.deps = { ...defaultDeps(), ...deps };
    this.child = null;
    this.info = null;
    this.tail = new LogTail();
    this.log = null;
    this.stopping = null;
  }

  get running() {
    return this.child !== null;
  }

  /** What will be spawned: exposed so tests can check it without spawning. */
  launchSpec() {
    const o = this.options;
    const resolved = resolveInterpreter({
      bundleDir: o.bundleDir,
      projectDir: o.projectDir,
      env: o.env,
      platform: o.platform,
      fs: this.deps.fs,
      interpreter: o.interpreter,
    });
    if (o.requireBundle && resolved.mode !== 'bundle' && resolved.mode !== 'explicit') {
      throw new Error(
        `no Python runtime in ${o.bundleDir || 'the app resources'}: ` +
        'build it with "python manage.py djdesk_bundle" before "npm run dist"',
      );
    }
    const p = pathFor(o.platform);
    const cwd = resolved.bundle ? resolved.bundle.app : (o.projectDir || process.cwd());
    // A missing cwd also surfaces as ENOENT from spawn: name it before that happens.
    if (!isDirectory(this.deps.fs, cwd)) throw new Error(`backend directory not found: ${cwd}`);
    const pythonPath = resolved.bundle
      ? [resolved.bundle.app, resolved.bundle.sitePackages].join(p.delimiter)
      : null;
    return {
      command: resolved.python,
      args: [...o.launcherArgs, '--settings', o.settingsModule, '--data-dir', o.dataDir, TOKEN_STDIN_FLAG],
      cwd,
      env: childEnv({ parentEnv: o.env, platform: o.platform, pythonPath }),
      mode: resolved.mode,
    };
  }

  /** Spawn the launcher and resolve with the READY info (port, origin, token ...). */
  start() {
    if (this.child) return Promise.reject(new Error('backend is already running'));
    const { deps, options } = this;
    const token = deps.randomBytes(32).toString('hex');
    let spec;
    try {
      spec = this.launchSpec();
    } catch (error) {
      return Promise.reject(error);
    }
    this.tail = new LogTail();
    this.openLog(spec);
    const startedAt = deps.now();
    let child;
    try {
      child = deps.spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group on POSIX, so stop() can signal the whole tree.
        detached: options.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      this.record('djdesk', `spawn failed: ${error.message}`);
      this.cleanup();
      return Promise.reject(this.decorate(new Error(`cannot start backend: ${error.message}`)));
    }
    this.child = child;
    this.info = null;
    this.stopping = null;
    let stopRequested = false;
    this.requestStop = () => { stopRequested = true; };

    return new Promise((resolve, reject) => {
      let settled = false;
      let exit = null;
      let exitTimer = null;
      let timer = null;

      const fail = (error) => {
        if (settled) return;
        settled = true;
        deps.clearTimeout(timer);
        this.stop().finally(() => reject(this.decorate(error)));
      };

      const onLine = (stream) => (line) => {
        this.record(stream, line);
        if (stream !== 'stdout' || settled) return;
        let ready;
        try {
          ready = parseReadyLine(line);
        } catch (error) {
          fail(error);
          return;
        }
        if (!ready) return;
        settled = true;
        deps.clearTimeout(timer);
        const origin = `http://127.0.0.1:${ready.port}`;
        this.info = {
          ...ready,
          childPid: child.pid,
          origin,
          url: origin + '/',
          token,
          mode: spec.mode,
          python: spec.command,
          logFile: options.logFile || null,
          readyMs: deps.now() - startedAt,
        };
        this.emit('ready', this.info);
        resolve(this.info);
      };

      const out = new LineSplitter(onLine('stdout'));
      const err = new LineSplitter(onLine('stderr'));
      if (child.stdout) {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => out.push(chunk));
      }
      if (child.stderr) {
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => err.push(chunk));
      }
      // Writing to a child that already died must not crash the main process.
      if (child.stdin) {
        child.stdin.on('error', () => {});
        // The first line of stdin is the token; the pipe then stays open, and its
        // closing (stop(), or this process dying) tells the launcher to stop.
        child.stdin.write(`${token}\n`);
      }

      timer = deps.setTimeout(() => {
        const seconds = Math.round(options.readyTimeoutMs / 100) / 10;
        fail(new Error(`backend did not print DJDESK_READY within ${seconds} s`));
      }, options.readyTimeoutMs);

      child.on('error', (error) => {
        const message = error.code === 'ENOENT'
          ? `cannot start Python interpreter "${spec.command}" (not found)`
          : `cannot start backend: ${error.message}`;
        if (!settled) fail(new Error(message));
        // Not 'error': an unhandled 'error' event would crash the main process.
        else this.emit('warning', new Error(message));
      });

      const finish = () => {
        if (exit === null || exit.done) return;
        exit.done = true;
        deps.clearTimeout(exitTimer);
        out.flush();
        err.flush();
        this.record('djdesk', `backend exited (code ${exit.code}, signal ${exit.signal})`);
        if (!settled) {
          const early = new Error(`backend exited before it was ready (code ${exit.code}, signal ${exit.signal})`);
          early.exitCode = exit.code; // mapped to words by dialogs.exitReason
          fail(early);
        } else if (!stopRequested) {
          const crash = {
            code: exit.code,
            signal: exit.signal,
            tail: this.tail.text(),
            logFile: options.logFile || null,
          };
          // Reap whatever the dead launcher left behind (its worker) before reporting.
          this.stop().then(() => this.emit('crash', crash));
        }
      };

      child.on('exit', (code, signal) => {
        exit = { code, signal, done: false };
        // Wait for the pipes to drain so the tail is complete, but not forever:
        // a surviving grandchild can hold them open.
        exitTimer = deps.setTimeout(finish, CLOSE_AFTER_EXIT_MS);
      });
      child.on('close', finish);
    });
  }

  /** Stop the launcher and everything it started. Safe to call at any time. */
  stop() {
    const child = this.child;
    if (!child) return Promise.resolve();
    if (this.requestStop) this.requestStop();
    if (this.stopping) return this.stopping;
    this.stopping = this.killTree(child).finally(() => {
      if (this.child === child) this.cleanup();
    });
    return this.stopping;
  }

  /** Synchronous last resort for process exit: no grace period, no waiting. */
  killNow() {
    const child = this.child;
    if (!child || !child.pid) return;
    if (this.options.platform === 'win32') {
      try {
        child.kill();
      } catch {
        // already gone
      }
      return;
    }
    this.signalGroup(child.pid, 'SIGKILL');
  }

  async restart() {
    await this.stop();
    return this.start();
  }

  async killTree(child) {
    const { deps, options } = this;
    const pid = child.pid;
    const deadline = deps.now() + options.killGraceMs;
    // Closing stdin asks the launcher to shut down cleanly (contract step 7): it stops
    // its worker and server and exits 0.
    try {
      if (child.stdin) child.stdin.end();
    } catch {
      // already closed
    }
    if (!pid) return;
    if (options.platform === 'win32') {
      if (await this.waitUntil(() => hasExited(child), deadline)) return;
      // Still alive, so taskkill /T can still walk the tree from the live parent.
      this.record('djdesk', `backend did not stop within ${options.killGraceMs} ms: taskkill`);
      await new Promise((resolve) => {
        deps.execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => resolve());
      });
      await this.waitUntil(() => hasExited(child), deps.now() + 2000);
      return;
    }
    this.signalGroup(pid, 'SIGTERM');
    // The leader may exit while a grandchild ignores SIGTERM: wait for the whole group.
    const clean = await this.waitUntil(() => hasExited(child) && !this.groupAlive(pid), deadline);
    if (!clean) {
      this.record('djdesk', `backend did not stop within ${options.killGraceMs} ms: SIGKILL`);
      this.signalGroup(pid, 'SIGKILL');
      await this.waitUntil(() => hasExited(child), deps.now() + 2000);
    }
  }

  signalGroup(pid, signal) {
    try {
      this.deps.kill(-pid, signal);
    } catch {
      // the group is already empty
    }
  }

  groupAlive(pid) {
    try {
      this.deps.kill(-pid, 0);
      return true;
    } catch (error) {
      return error.code === 'EPERM';
    }
  }

  waitUntil(predicate, deadline) {
    const { deps } = this;
    return new Promise((resolve) => {
      const check = () => {
        if (predicate()) return resolve(true);
        if (deps.now() >= deadline) return resolve(false);
        deps.setTimeout(check, POLL_MS);
      };
      check();
    });
  }

  cleanup() {
    this.child = null;
    this.requestStop = null;
    if (this.log) {
      this.log.end();
      this.log = null;
    }
  }

  openLog(spec) {
    const file = this.options.logFile;
    if (!file) return;
    const { fs: fsApi } = this.deps;
    try {
      fsApi.mkdirSync(path.dirname(file), { recursive: true });
      try {
        if (fsApi.statSync(file).size > LOG_ROTATE_BYTES) fsApi.renameSync(file, `${file}.1`);
      } catch {
        // no previous log
      }
      this.log = fsApi.createWriteStream(file, { flags: 'a' });
      this.log.on('error', () => { this.log = null; });
      this.log.write(`=== ${new Date().toISOString()} start ${spec.mode} ${spec.command} ${spec.args.join(' ')}\n`);
    } catch {
      this.log = null;
    }
  }

  record(stream, line) {
    this.tail.add(line);
    if (this.log) this.log.write(stream === 'djdesk' ? `=== ${line}\n` : `${line}\n`);
    this.emit('log', { stream, line });
  }

  decorate(error) {
    const tail = this.tail.text();
    const where = this.options.logFile ? `\n(full log: ${this.options.logFile})` : '';
    const wrapped = new Error(`${error.message}${tail ? `\n--- backend output (tail) ---\n${tail}` : ''}${where}`);
    wrapped.cause = error;
    wrapped.exitCode = error.exitCode ?? null;
    wrapped.logTail = tail;
    wrapped.logFile = this.options.logFile || null;
    return wrapped;
  }
}

function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function createBackend(options, deps) {
  return new Backend(options, deps);
}

module.exports = {
  Backend,
  createBackend,
  childEnv,
  bundleLayout,
  findOnPath,
  resolveInterpreter,
  parseReadyLine,
  LineSplitter,
  LogTail,
  LAUNCHER_MODULE,
  TOKEN_STDIN_FLAG,
  DEFAULT_TOKEN_HEADER,
};
