// Desktop notifications: the Electron bridge when present, else the Web Notifications API.
export function askPermission() {
  if (window.djdeskNative || !("Notification" in window)) return;
  if (Notification.permission === "default") Notification.requestPermission().catch(() => {});
}

export function notify(title, body) {
  if (window.djdeskNative && typeof window.djdeskNative.notify === "function") {
    try {
      window.djdeskNative.notify({ title, body });
    } catch {
      /* the shell may refuse; the drawer still shows the outcome */
    }
    return;
  }
  if ("Notification" in window && Notification.permission === "granted") {
    new Notification(title, { body });
  }
}
