'use strict';
/** Reads src/app-config.json (rendered by djdesk_scaffold) and derives runtime paths. */
const fs = require('node:fs');
const path = require('node:path');

const APP_ID_RE = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)+$/;
const SETTINGS_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Returns a normalised config or throws one error listing every problem. */
function validateAppConfig(raw) {
  const problems = [];
  const config = {
    productName: raw && raw.productName,
    appId: raw && raw.appId,
    settingsModule: raw && raw.settingsModule,
    projectDir: (raw && raw.projectDir) || '..',
    startPath: (raw && raw.startPath) || '/',
    readyTimeoutMs: (raw && raw.readyTimeoutMs) || 30000,
  };
  if (typeof config.productName !== 'string' || config.productName.trim() === '') problems.push('productName is empty');
  if (typeof config.appId !== 'string' || !APP_ID_RE.test(config.appId)) problems.push('appId is not a reverse-DNS id');
  if (typeof config.settingsModule !== 'string' || !SETTINGS_RE.test(config.settingsModule)) {
    problems.push('settingsModule is not a dotted module path');
  }
  if (typeof config.projectDir !== 'string') problems.push('projectDir must be a string');
  if (typeof config.startPath !== 'string' || !config.startPath.startsWith('/') || config.startPath.startsWith('//')) {
    problems.push('startPath must be a path starting with a single "/"');
  }
  if (!Number.isInteger(config.readyTimeoutMs) || config.readyTimeoutMs < 1000) {
    problems.push('readyTimeoutMs must be an integer >= 1000');
  }
  if (problems.length) throw new Error(`invalid app-config.json: ${problems.join('; ')}`);
  return config;
}

function loadAppConfig(file, fsApi = fs) {
  return validateAppConfig(JSON.parse(fsApi.readFileSync(file, 'utf8')));
}

/**
 * Where everything lives for this run. Development (`npm start`) runs the host
 * project from `projectDir`; a packaged app runs the bundle in its resources.
 * @param {object} where  { appRoot, srcDir, isPackaged, resourcesPath, userData, logs, env }
 */
function runtimePaths(config, { appRoot, srcDir, isPackaged, resourcesPath, userData, logs, env = {} }) {
  const devProject = !isPackaged && env.DJDESK_PROJECT_DIR ? env.DJDESK_PROJECT_DIR : config.projectDir;
  return {
    bundleDir: resourcesPath ? path.join(resourcesPath, 'django-bundle') : null,
    projectDir: path.resolve(appRoot, devProject),
    dataDir: userData,
    logFile: path.join(logs, 'backend.log'),
    preload: path.join(srcDir, 'preload.cjs'),
    splash: path.join(srcDir, 'splash.html'),
  };
}

module.exports = { validateAppConfig, loadAppConfig, runtimePaths };
