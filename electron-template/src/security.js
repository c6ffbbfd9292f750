'use strict';
/**
 * The shell's security policy. Decisions are pure functions of a URL and the
 * app origin (`http://127.0.0.1:<port>`, known only after READY and changed by
 * every restart); apply() and guardWebContents() wire them into injected
 * Electron objects.
 */
const TOKEN_HEADER = 'X-DJDesk-Token';
const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const MAX_EXTERNAL_URL = 8192;
const ALLOWED_PERMISSIONS = new Set(['notifications']);

function parseUrl(value) {
  if (typeof value !== 'string' && !(value instanceof URL)) return null;
  try {
    return new URL(String(value));
  } catch {
    return null;
  }
}

/** The one origin the backend serves; anything else is foreign. */
function appOrigin(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`invalid port: ${port}`);
  // Through URL so a default port normalises the same way request URLs do.
  return new URL(`http://127.0.0.1:${port}`).origin;
}

/** Exact origin comparison: scheme, host and port, after URL normalisation. */
function isAppUrl(url, origin) {
  if (!origin) return false;
  const parsed = parseUrl(url);
  return parsed !== null && parsed.origin !== 'null' && parsed.origin === origin;
}

/** openExternal allowlist: http(s) with a host and no credentials, or mailto. */
function isSafeExternalUrl(url) {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL) return false;
  const parsed = parseUrl(url);
  if (!parsed || !EXTERNAL_PROTOCOLS.has(parsed.protocol)) return false;
  if (parsed.protocol === 'mailto:') return true;
  return parsed.hostname !== '' && parsed.username === '' && parsed.password === '';
}

/** 'allow' (stay in the app), 'external' (hand to the OS browser) or 'deny'. */
function navigationDecision(url, origin) {
  if (isAppUrl(url, origin)) return 'allow';
  if (isSafeExternalUrl(url)) return 'external';
  return 'deny';
}

/**
 * Headers for a request: the token only for the exact app origin; a token
 * header on any other request is dropped rather than forwarded.
 */
function requestHeadersFor(url, requestHeaders, state) {
  const headers = { ...requestHeaders };
  const header = (state && state.tokenHeader) || TOKEN_HEADER;
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === header.toLowerCase()) delete headers[name];
  }
  if (state && state.token && isAppUrl(url, state.origin)) headers[header] = state.token;
  return headers;
}

function isPermissionAllowed(permission, requestingUrl, origin) {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, origin);
}

/** IPC is answered only for frames showing the app origin. */
function isTrustedSender(event, origin) {
  const frame = event && event.senderFrame;
  return Boolean(frame) && isAppUrl(frame.url, origin);
}

/** Mutable holder for the current backend's origin and token. */
function createPolicy() {
  let state = null;
  return {
    setBackend({ port, token, tokenHeader }) {
      state = { origin: appOrigin(port), token, tokenHeader: tokenHeader || TOKEN_HEADER };
    },
    clear() {
      state = null;
    },
    get origin() {
      return state ? state.origin : null;
    },
    get state() {
      return state;
    },
  };
}

function openExternally(shell, url, log) {
  if (!isSafeExternalUrl(url)) return;
  // Only http(s)/mailto reach the OS handler (isSafeExternalUrl above).
  Promise.resolve(shell.openExternal(url)).catch((error) => log(`openExternal failed: ${error.message}`)); // eng-disable OPEN_EXTERNAL_JS_CHECK
}

/**
 * Guards one webContents: navigation, redirects, window.open and <webview>.
 * @param {object} contents  an Electron WebContents
 * @param {object} policy    from createPolicy()
 * @param {object} env       { shell, childWindowOptions, log }
 */
function guardWebContents(contents, policy, { shell, childWindowOptions, log = () => {} }) {
  const onNavigate = (event, legacyUrl) => {
    const url = (event && event.url) || legacyUrl;
    const decision = navigationDecision(url, policy.origin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'external') openExternally(shell, url, log);
    else log(`navigation refused: ${String(url).slice(0, 200)}`);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.setWindowOpenHandler(({ url }) => {
    const decision = navigationDecision(url, policy.origin);
    if (decision === 'allow') {
      return { action: 'allow', overrideBrowserWindowOptions: childWindowOptions() };
    }
    if (decision === 'external') openExternally(shell, url, log);
    else log(`window.open refused: ${String(url).slice(0, 200)}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Installs the session-wide handlers and guards every webContents created later.
 * @param {object} electron  { app, session, shell }
 */
function apply({ app, session, shell }, policy, { childWindowOptions, log = () => {} }) {
  session.webRequest.onBeforeSendHeaders((details, callback) => {
    callback({ requestHeaders: requestHeadersFor(details.url, details.requestHeaders, policy.state) });
  });
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const requestingUrl = (details && details.requestingUrl) || (webContents && webContents.getURL());
    callback(isPermissionAllowed(permission, requestingUrl, policy.origin));
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, policy.origin));
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, policy, { shell, childWindowOptions, log });
  });
}

module.exports = {
  TOKEN_HEADER,
  appOrigin,
  isAppUrl,
  isSafeExternalUrl,
  navigationDecision,
  requestHeadersFor,
  isPermissionAllowed,
  isTrustedSender,
  createPolicy,
  guardWebContents,
  apply,
};
