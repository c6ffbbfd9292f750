'use strict';
/** Message box options for backend failures (dialog.showMessageBox). */

const RESTART = 0;
const QUIT = 1;

function crashDialogOptions({ productName, crash }) {
  const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.code}`;
  return {
    type: 'error',
    title: productName,
    message: `${productName} stopped unexpectedly (${how}).`,
    detail: detailWithLog(crash.tail, crash.logFile),
    buttons: ['Restart', 'Quit'],
    defaultId: RESTART,
    cancelId: QUIT,
    noLink: true,
  };
}

function startupErrorDialogOptions({ productName, error }) {
  return {
    type: 'error',
    title: productName,
    message: `${productName} could not start its local server.`,
    detail: detailWithLog(error.message, error.logFile),
    buttons: ['Retry', 'Quit'],
    defaultId: RESTART,
    cancelId: QUIT,
    noLink: true,
  };
}

function detailWithLog(text, logFile) {
  const lines = String(text || '').split('\n');
  // Message boxes do not scroll: keep the last lines, point at the full log.
  const tail = lines.slice(-25).join('\n');
  return logFile ? `${tail}\n\nFull log: ${logFile}` : tail;
}

module.exports = { RESTART, QUIT, crashDialogOptions, startupErrorDialogOptions };
