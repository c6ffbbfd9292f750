from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP = """
([name]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File(["print()"], name));
  const zone = document.getElementById("dropzone");
  zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}
"""

BRIDGE = """
window.djdeskNative = {
  pathForFile: (file) => "/home/dev/projects/atlas/" + file.name,
  openExternal: () => {},
  notify: () => {},
};
"""


def test_drop_with_the_native_bridge_primes_the_real_folder(live_server, page):
    page.add_init_script(BRIDGE)
    page.goto(f"{live_server.url}/djdesk/workspaces/new/")
    page.evaluate(DROP, ["manage.py"])
    assert page.get_by_label("Project folder").input_value() == "/home/dev/projects/atlas"


def test_drop_in_a_plain_browser_asks_for_the_full_path(live_server, page):
    page.goto(f"{live_server.url}/djdesk/workspaces/new/")
    prompts: list[str] = []

    def answer(dialog):  # type: ignore[no-untyped-def]
        prompts.append(dialog.message)
        dialog.accept("/srv/projects/atlas")

    page.on("dialog", answer)
    page.evaluate(DROP, ["atlas"])
    assert len(prompts) == 1
    assert '"atlas"' in prompts[0]
    assert page.get_by_label("Project folder").input_value() == "/srv/projects/atlas"
