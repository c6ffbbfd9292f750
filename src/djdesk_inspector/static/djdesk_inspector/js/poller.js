// Polls a JSON URL with If-None-Match, pauses while the tab is hidden, and hands each
// changed payload to `onChange`. Unchanged polls cost a 304 and no DOM work.
export class Poller {
  constructor(url, intervalMs, onChange, onError = () => {}) {
    this.url = url;
    this.intervalMs = intervalMs;
    this.onChange = onChange;
    this.onError = onError;
    this.etag = null;
    this.timer = null;
    this.inFlight = false;
    this.stopped = false;
    document.addEventListener("visibilitychange", () => (document.hidden ? undefined : this.pollNow()));
  }

  start() {
    this.schedule();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  pollNow() {
    clearTimeout(this.timer);
    if (this.stopped) return Promise.resolve();
    return this.tick();
  }

  async tick() {
    if (document.hidden || this.inFlight) {
      this.schedule();
      return;
    }
    this.inFlight = true;
    try {
      const headers = { Accept: "application/json" };
      if (this.etag) headers["If-None-Match"] = this.etag;
      const response = await fetch(this.url, { headers, credentials: "same-origin" });
      if (response.status === 200) {
        this.etag = response.headers.get("ETag");
        this.onChange(await response.json());
      } else if (response.status !== 304) {
        this.onError(new Error(`status poll answered ${response.status}`));
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}
