'use strict';
// Static configuration the security model depends on: builder fuses and
// targets, BrowserWindow webPreferences, and main.js using those factories.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');

const windowOptions = require('../src/window-options');
const { validateAppConfig, runtimePaths } = require('../src/config');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const mainSource = fs.readFileSync(path.join(ROOT, 'src', 'main.js'), 'utf8');

test('electron-builder flips the hardening fuses', () => {
  assert.deepEqual(pkg.build.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
  assert.equal(pkg.build.asar, true);
});

test('electron-builder ships the Django bundle and builds every target', () => {
  assert.deepEqual(pkg.build.extraResources, [{ from: 'django-bundle', to: 'django-bundle' }]);
  assert.deepEqual(pkg.build.mac.target, ['dmg', 'zip']);
  assert.deepEqual(pkg.build.win.target, ['nsis']);
  assert.deepEqual(pkg.build.linux.target, ['AppImage', 'deb', 'tar.gz']);
  assert.ok(pkg.build.appId && pkg.build.productName);
  assert.ok(!pkg.build.files.some((pattern) => pattern.startsWith('test')), 'tests must not be packaged');
});

test('package.json pins tools and scripts', () => {
  assert.equal(pkg.main, 'src/main.js');
  assert.equal(pkg.engines.node, '>=20');
  assert.equal(pkg.scripts.start, 'electron .');
  assert.match(pkg.scripts.test, /^node --test /);
  assert.equal(pkg.scripts.dist, 'electron-builder');
  for (const name of ['electron', 'electron-builder']) {
    assert.match(pkg.devDependencies[name], /^\d+\.\d+\.\d+$/, `${name} must be pinned exactly`);
  }
  assert.equal(pkg.dependencies, undefined, 'the shell has no runtime npm dependencies');
});

for (const [name, options] of [
  ['main', windowOptions.mainWindowOptions({ title: 'T', preload: '/app/src/preload.cjs' })],
  ['child', windowOptions.childWindowOptions({ preload: '/app/src/preload.cjs' })],
  ['splash', windowOptions.splashWindowOptions({ title: 'T' })],
]) {
  test(`${name} window webPreferences are hardened`, () => {
    const prefs = options.webPreferences;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.enableBlinkFeatures, undefined);
  });
}

test('only app windows get the preload; the main window waits for ready-to-show', () => {
  assert.equal(windowOptions.mainWindowOptions({ title: 'T', preload: '/p.cjs' }).webPreferences.preload, '/p.cjs');
  assert.equal(windowOptions.mainWindowOptions({ title: 'T', preload: '/p.cjs' }).show, false);
  assert.equal(windowOptions.splashWindowOptions({ title: 'T' }).webPreferences.preload, undefined);
});

test('main.js builds every BrowserWindow from window-options.js', () => {
  const constructions = [...mainSource.matchAll(/new BrowserWindow\(([A-Za-z]+)\(/g)].map((m) => m[1]);
  assert.equal((mainSource.match(/new BrowserWindow\(/g) || []).length, constructions.length);
  assert.deepEqual(constructions.sort(), ['mainWindowOptions', 'splashWindowOptions']);
  assert.doesNotMatch(mainSource, /webPreferences/);
});

test('main.js keeps the single-instance lock and dev-only DevTools wiring', () => {
  assert.match(mainSource, /requestSingleInstanceLock\(\)/);
  assert.match(mainSource, /isDev: !app\.isPackaged/);
  assert.match(mainSource, /security\.apply\(/);
  assert.match(mainSource, /registerIpc\(/);
});

test('no source file spawns through a shell', () => {
  for (const file of fs.readdirSync(path.join(ROOT, 'src'))) {
    const source = fs.readFileSync(path.join(ROOT, 'src', file), 'utf8');
    assert.doesNotMatch(source, /shell:\s*true|execSync\(|(?<![.\w])exec\(|childProcess\.exec\(/, file);
  }
});

test('app-config.json has every key the shell reads', () => {
  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'app-config.json'), 'utf8'));
  assert.deepEqual(Object.keys(raw).sort(), [
    'appId', 'productName', 'projectDir', 'readyTimeoutMs', 'settingsModule', 'startPath',
  ]);
  assert.equal(raw.appId, pkg.build.appId);
  assert.equal(raw.productName, pkg.build.productName);
});

test('validateAppConfig accepts a rendered config and lists every problem otherwise', () => {
  const config = validateAppConfig({ productName: 'Atlas', appId: 'com.example.atlas', settingsModule: 'atlas.settings' });
  assert.deepEqual(config, {
    productName: 'Atlas',
    appId: 'com.example.atlas',
    settingsModule: 'atlas.settings',
    projectDir: '..',
    startPath: '/',
    readyTimeoutMs: 30000,
  });
  assert.throws(
    () => validateAppConfig({ productName: '', appId: 'atlas', settingsModule: 'atlas settings', startPath: '//evil' }),
    /productName is empty; appId is not a reverse-DNS id; settingsModule is not a dotted module path; startPath/,
  );
});

test('runtimePaths: userData for data, bundle under resources, env override only in development', () => {
  const config = validateAppConfig({ productName: 'Atlas', appId: 'com.example.atlas', settingsModule: 'atlas.settings' });
  const where = {
    appRoot: path.resolve('/proj/electron'),
    srcDir: path.resolve('/proj/electron/src'),
    isPackaged: false,
    resourcesPath: path.resolve('/opt/atlas/resources'),
    userData: path.resolve('/home/u/.config/Atlas'),
    logs: path.resolve('/home/u/.config/Atlas/logs'),
    env: { DJDESK_PROJECT_DIR: path.resolve('/elsewhere') },
  };
  const dev = runtimePaths(config, where);
  assert.equal(dev.projectDir, path.resolve('/elsewhere'));
  assert.equal(dev.dataDir, where.userData);
  assert.equal(dev.bundleDir, path.join(where.resourcesPath, 'django-bundle'));
  assert.equal(dev.logFile, path.join(where.logs, 'backend.log'));
  assert.equal(dev.preload, path.join(where.srcDir, 'preload.cjs'));
  const packaged = runtimePaths(config, { ...where, isPackaged: true });
  assert.equal(packaged.projectDir, path.resolve('/proj'));
});
