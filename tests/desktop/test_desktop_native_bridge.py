"""djdesk-native.js in Chromium, under the real launcher's CSP: with a stub of the
Electron preload bridge, and without one (the plain-browser fallbacks)."""

from __future__ import annotations

import pytest

from tests.desktop.launching import Launched

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RECORDERS = """
window.recorded = {open: [], notifications: [], bridge: []};
window.open = (...args) => { window.recorded.open.push(args); return null; };
class FakeNotification {
  constructor(title, options) { window.recorded.notifications.push([title, options.body]); }
}
FakeNotification.permission = window.__permission || "granted";
FakeNotification.requestPermission = async () => FakeNotification.permission;
Object.defineProperty(window, "Notification", {value: FakeNotification, configurable: true});
"""

STUB_BRIDGE = """
window.djdeskNative = {
  openExternal: async (url) => { window.recorded.bridge.push(["openExternal", url]); },
  notify: async (message) => { window.recorded.bridge.push(["notify", message]); },
  pathForFile: (file) => "/home/ada/Documents/" + file.name,
};
"""

DROP = """() => {
  const zone = document.querySelector("[data-djdesk-dropzone]");
  const data = new DataTransfer();
  data.items.add(new File(["a,b"], "report.csv", {type: "text/csv"}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
  return Array.from(document.querySelectorAll("#dropped-files li")).map((li) => li.textContent);
}"""


def open_about(page, shared: Launched, *scripts: str) -> None:
    # What the Electron shell does: the token header on its own origin's requests.
    page.context.set_extra_http_headers({"X-DJDesk-Token": shared.token})
    for script in scripts:
        page.add_init_script(script)
    page.goto(f"{shared.origin}/djdesk/desktop/about/")
    page.wait_for_function("() => window.djdeskDesktop !== undefined")


def test_with_the_bridge_every_call_goes_native(page, shared: Launched) -> None:
    open_about(page, shared, RECORDERS, STUB_BRIDGE)
    api = "window.djdeskDesktop"
    assert page.evaluate(f"{api}.hasBridge()") is True
    assert page.evaluate(f"{api}.openExternal('https://example.com/docs')") == "bridge"
    assert page.evaluate(f"{api}.openExternal('mailto:ops@example.com')") == "bridge"
    assert page.evaluate(f"{api}.notify({{title: 'Scan done', body: '3 insights'}})") == "bridge"
    assert page.evaluate(DROP) == ["/home/ada/Documents/report.csv"]
    recorded = page.evaluate("window.recorded")
    assert recorded["bridge"] == [
        ["openExternal", "https://example.com/docs"],
        ["openExternal", "mailto:ops@example.com"],
        ["notify", {"title": "Scan done", "body": "3 insights"}],
    ]
    assert recorded["open"] == []
    assert recorded["notifications"] == []
    assert page.js_errors == []


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "ftp://example.com/"],
)
def test_only_http_https_and_mailto_are_opened(page, shared: Launched, url: str) -> None:
    open_about(page, shared, RECORDERS, STUB_BRIDGE)
    assert page.evaluate("(url) => window.djdeskDesktop.openExternal(url)", url) == "refused"
    assert page.evaluate("window.recorded.bridge") == []


def test_without_the_bridge_the_browser_fallbacks_work(page, shared: Launched) -> None:
    open_about(page, shared, RECORDERS)
    api = "window.djdeskDesktop"
    assert page.evaluate(f"{api}.hasBridge()") is False
    assert page.evaluate(f"{api}.openExternal('https://example.com/a?b=1')") == "window"
    assert page.evaluate(f"{api}.openExternal('javascript:alert(1)')") == "refused"
    assert page.evaluate(f"{api}.notify({{title: 'Scan done', body: 'ok'}})") == "web"
    assert page.evaluate(DROP) == ["report.csv"]
    assert page.evaluate(f"{api}.pathsFor([new File(['x'], 'a.txt')])") == [
        {"name": "a.txt", "path": None}
    ]
    recorded = page.evaluate("window.recorded")
    assert recorded["open"] == [["https://example.com/a?b=1", "_blank", "noopener,noreferrer"]]
    assert recorded["notifications"] == [["Scan done", "ok"]]
    assert page.js_errors == []


def test_denied_web_notifications_are_reported(page, shared: Launched) -> None:
    open_about(page, shared, "window.__permission = 'denied';", RECORDERS)
    assert page.evaluate("window.djdeskDesktop.notify({title: 'x'})") == "denied"
    assert page.evaluate("window.recorded.notifications") == []


def test_external_links_use_open_external(page, shared: Launched) -> None:
    open_about(page, shared, RECORDERS, STUB_BRIDGE)
    page.evaluate(
        """() => {
            const link = document.createElement("a");
            link.href = "https://example.com/changelog";
            link.dataset.djdeskExternal = "";
            link.textContent = "Changelog";
            document.body.append(link);
        }"""
    )
    page.get_by_text("Changelog").click()
    page.wait_for_function("() => window.recorded.bridge.length === 1")
    assert page.evaluate("window.recorded.bridge") == [
        ["openExternal", "https://example.com/changelog"]
    ]
    assert page.url.endswith("/djdesk/desktop/about/")


def test_offline_indicator_follows_network_and_server(page, shared: Launched) -> None:
    open_about(page, shared)
    indicator = page.locator("[data-djdesk-offline]")
    assert page.evaluate("window.djdeskDesktop.checkConnectivity()") == "online"
    assert indicator.is_hidden()

    page.context.set_offline(True)
    page.wait_for_function("() => window.djdeskDesktop.connectivity === 'offline'")
    assert indicator.is_visible()
    assert indicator.inner_text() == "You are offline."
    page.context.set_offline(False)
    page.wait_for_function("() => window.djdeskDesktop.connectivity === 'online'")
    assert indicator.is_hidden()

    page.route("**/djdesk/desktop/health/", lambda route: route.abort())
    assert page.evaluate("window.djdeskDesktop.checkConnectivity()") == "unreachable"
    assert indicator.is_visible()
    assert indicator.inner_text() == "The app's local server is not answering."
    page.unroute("**/djdesk/desktop/health/")
    assert page.evaluate("window.djdeskDesktop.checkConnectivity()") == "online"
    assert indicator.is_hidden()
