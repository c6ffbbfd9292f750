'use strict';
/**
 * Main-process side of the native bridge exposed by preload.cjs. Every handler
 * first checks that the calling frame shows the app origin.
 */
const { isSafeExternalUrl, isTrustedSender } = require('./security');

const CHANNELS = Object.freeze({
  openExternal: 'djdesk:open-external',
  notify: 'djdesk:notify',
});

const MAX_TITLE = 200;
const MAX_BODY = 2000;

/** Validates a notify() payload; throws a short message the renderer can show. */
function notificationFrom(payload) {
  if (!payload || typeof payload !== 'object') throw new TypeError('notify() expects {title, body}');
  const { title, body = '' } = payload;
  if (typeof title !== 'string' || title.trim() === '') throw new TypeError('notify() needs a non-empty title');
  if (typeof body !== 'string') throw new TypeError('notify() body must be a string');
  return { title: title.slice(0, MAX_TITLE), body: body.slice(0, MAX_BODY) };
}

/**
 * @param {object} deps  { ipcMain, shell, Notification, policy, log }
 * @returns {Function} unregisters the handlers
 */
function registerIpc({ ipcMain, shell, Notification, policy, log = () => {} }) {
  const trusted = (channel, handler) => (event, ...args) => {
    if (!isTrustedSender(event, policy.origin)) {
      const url = event && event.senderFrame ? event.senderFrame.url : 'unknown';
      log(`${channel}: refused a call from ${String(url).slice(0, 200)}`);
      throw new Error(`${channel}: caller is not the app`);
    }
    return handler(...args);
  };

  ipcMain.handle(CHANNELS.openExternal, trusted(CHANNELS.openExternal, async (url) => {
    if (!isSafeExternalUrl(url)) throw new Error('openExternal: only http, https and mailto URLs are allowed');
    // The URL passed the http/https/mailto allowlist above.
    await shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
    return true;
  }));

  ipcMain.handle(CHANNELS.notify, trusted(CHANNELS.notify, (payload) => {
    const options = notificationFrom(payload);
    if (typeof Notification.isSupported === 'function' && !Notification.isSupported()) return false;
    new Notification(options).show();
    return true;
  }));

  return () => {
    ipcMain.removeHandler(CHANNELS.openExternal);
    ipcMain.removeHandler(CHANNELS.notify);
  };
}

module.exports = { CHANNELS, notificationFrom, registerIpc };
