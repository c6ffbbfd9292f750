'use strict';
/**
 * Electron shell startup figures: electron-template/src/backend.js against the real
 * launcher. Per run: spawn -> DJDESK_READY, READY -> first token-authenticated 200
 * from /djdesk/desktop/health/ (when the window could load), and stop() time.
 * The first run starts from an empty data dir (migrations); later runs are warm.
 * Prints JSON; on a missing launcher prints {"error": ...} and exits 0.
 *
 *   node bench/shell.js [runs]
 * Env: DJDESK_TEST_PYTHON (default: .venv python, else python3),
 *      DJDESK_TEST_SETTINGS (atlas.settings_desktop),
 *      DJDESK_TEST_PROJECT_DIR (example_project/).
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { Backend } = require('../electron-template/src/backend');

const ROOT = path.join(__dirname, '..');
const HEALTH = '/djdesk/desktop/health/';
const RUNS = Math.max(2, Number.parseInt(process.argv[2] || '5', 10) || 5);

function defaultPython() {
  const venv = process.platform === 'win32'
    ? path.join(ROOT, '.venv', 'Scripts', 'python.exe')
    : path.join(ROOT, '.venv', 'bin', 'python');
  return fs.existsSync(venv) ? venv : (process.platform === 'win32' ? 'python' : 'python3');
}

function status(port, headers) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: HEALTH, headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
  });
}

async function firstOk(info, deadlineMs) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const code = await status(info.port, { [info.tokenHeader]: info.token });
      if (code === 200) return;
      if (Date.now() > end) throw new Error(`health answered ${code}`);
    } catch (error) {
      if (Date.now() > end) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value) => Math.round(value * 10) / 10;

async function main() {
  const python = process.env.DJDESK_TEST_PYTHON || defaultPython();
  const settingsModule = process.env.DJDESK_TEST_SETTINGS || 'atlas.settings_desktop';
  const projectDir = path.resolve(process.env.DJDESK_TEST_PROJECT_DIR || path.join(ROOT, 'example_project'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djdesk-bench-shell-'));
  const result = { python, settings: settingsModule, runs: RUNS, node: process.version, platform: process.platform };
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i += 1) {
      const backend = new Backend({
        settingsModule,
        dataDir,
        projectDir,
        interpreter: python,
        logFile: path.join(dataDir, 'shell-bench.log'),
        readyTimeoutMs: 120000,
      });
      const spawned = performance.now();
      let info;
      try {
        info = await backend.start();
      } catch (error) {
        result.error = error.message.split('\n').slice(0, 12).join('\n');
        break;
      }
      const ready = performance.now();
      await firstOk(info, 30000);
      const loaded = performance.now();
      await backend.stop();
      const stopped = performance.now();
      runs.push({
        spawn_to_ready_ms: round(ready - spawned),
        ready_to_load_ms: round(loaded - ready),
        spawn_to_load_ms: round(loaded - spawned),
        stop_ms: round(stopped - loaded),
      });
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (runs.length) {
    result.cold = runs[0];
    const warm = runs.slice(1);
    if (warm.length) {
      result.warm_median = Object.fromEntries(
        Object.keys(warm[0]).map((key) => [key, round(median(warm.map((run) => run[key])))]),
      );
    }
    result.all = runs;
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
});
