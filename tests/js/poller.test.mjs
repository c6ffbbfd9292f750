// node --test: the dashboard poller against stub fetch/document (no browser needed).
import assert from "node:assert/strict";
import { test } from "node:test";

function environment() {
  const listeners = {};
  globalThis.document = {
    hidden: false,
    addEventListener: (name, fn) => (listeners[name] = fn),
  };
  const calls = [];
  const replies = [];
  globalThis.fetch = async (url, options) => {
    calls.push({ url, headers: { ...options.headers } });
    return replies.shift();
  };
  return { calls, replies, listeners };
}

const reply = (status, body, etag) => ({
  status,
  headers: { get: (name) => (name === "ETag" ? etag : null) },
  json: async () => body,
});

const { Poller } = await import("../../src/djdesk_inspector/static/djdesk_inspector/js/poller.js");

test("sends If-None-Match after the first answer and ignores 304s", async () => {
  const { calls, replies } = environment();
  const seen = [];
  const poller = new Poller("/status/", 60_000, (payload) => seen.push(payload));
  replies.push(reply(200, { n: 1 }, '"a"'), reply(304, null, '"a"'), reply(200, { n: 2 }, '"b"'));
  await poller.tick();
  await poller.tick();
  await poller.tick();
  poller.stop();
  assert.deepEqual(seen, [{ n: 1 }, { n: 2 }]);
  assert.equal(calls[0].headers["If-None-Match"], undefined);
  assert.equal(calls[1].headers["If-None-Match"], '"a"');
  assert.equal(calls[2].headers["If-None-Match"], '"a"');
});

test("does not poll while the tab is hidden, and polls at once when it shows again", async () => {
  const { calls, replies, listeners } = environment();
  const poller = new Poller("/status/", 60_000, () => {});
  document.hidden = true;
  await poller.tick();
  assert.equal(calls.length, 0);
  document.hidden = false;
  replies.push(reply(200, {}, '"x"'));
  await listeners.visibilitychange();
  poller.stop();
  assert.equal(calls.length, 1);
});

test("reports HTTP errors and keeps polling", async () => {
  const { replies } = environment();
  const errors = [];
  const poller = new Poller("/status/", 60_000, () => {}, (error) => errors.push(error.message));
  replies.push(reply(500, null, null));
  await poller.tick();
  const scheduled = poller.timer;
  poller.stop();
  assert.deepEqual(errors, ["status poll answered 500"]);
  assert.ok(scheduled, "a next poll was scheduled");
});
