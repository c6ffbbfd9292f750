'use strict';
/** Message box options for backend failures (dialog.showMessageBox). */

const RESTART = 0;
const QUIT = 1;

// The launcher's exit codes (djdesk_electron_kit/exitcodes.py), in words for the user.
// 0 and 1 (clean stop, unexpected error) say nothing more than the log tail does.
const EXIT_REASONS = Object.freeze({
  2: 'It was started with unusable arguments or settings.',
  3: 'Updating its database failed; the database was restored as it was.',
  4: 'Its local server could not listen on a port.',
  5: 'Its background worker could not start or kept stopping.',
  6: 'Another copy is already running with the same data folder. Quit it first.',
  7: 'Its data folder cannot be created or written. Check the folder named below.',
});

function exitReason(code) {
  return Object.prototype.hasOwnProperty.call(EXIT_REASONS, code) ? EXIT_REASONS[code] : null;
}

function withReason(message, code) {
  const reason = exitReason(code);
  return reason ? `${message} ${reason}` : message;
}

function crashDialogOptions({ productName, crash }) {
  const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.code}`;
  return {
    type: 'error',
    title: productName,
    message: withReason(`${productName} stopped unexpectedly (${how}).`, crash.signal ? null : crash.code),
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
    message: withReason(`${productName} could not start its local server.`, error.exitCode),
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

module.exports = { RESTART, QUIT, EXIT_REASONS, exitReason, crashDialogOptions, startupErrorDialogOptions };
