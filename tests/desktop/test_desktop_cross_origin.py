"""A page on another loopback port, in the same browser, cannot act on the app.

The browser holds the bootstrap cookie (cookies ignore ports, so it is sent to
same-site requests) and can even read the CSRF cookie; the app must still refuse
everything that page tries, and nothing may change.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.desktop.launching import Launched

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ATTACK = """<!doctype html>
<html><body>
<form id="form" method="post" action="{target}/djdesk/api/workspaces/">
  <input name="project_path" value="{project}">
  <input name="name" value="Planted by a form">
  <input name="csrfmiddlewaretoken" id="csrf">
</form>
<script>
const target = "{target}";
const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
document.getElementById("csrf").value = csrf;
window.attempts = (async () => {{
  const outcomes = {{}};
  const attempt = async (name, init) => {{
    try {{
      const response = await fetch(target + "/djdesk/api/workspaces/", init);
      outcomes[name] = response.type + ":" + response.status;
    }} catch (error) {{
      outcomes[name] = "error";
    }}
  }};
  await attempt("json", {{
    method: "POST", credentials: "include",
    headers: {{"Content-Type": "application/json", "X-CSRFToken": csrf}},
    body: JSON.stringify({{project_path: "{project}", name: "Planted by JSON"}}),
  }});
  await attempt("simple", {{
    method: "POST", credentials: "include", mode: "no-cors",
    headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
    body: "project_path={project}&name=Planted+simply&csrfmiddlewaretoken=" + csrf,
  }});
  await attempt("read", {{credentials: "include"}});
  return outcomes;
}})();
</script>
</body></html>
"""


@pytest.fixture
def attacker(tmp_path: Path, shared: Launched, minimal_project: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "attack.html").write_text(
        ATTACK.format(target=shared.origin, project=str(minimal_project))
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def workspaces(shared: Launched) -> list[str]:
    return [w["name"] for w in shared.get("/djdesk/api/workspaces/").json()["workspaces"]]


def test_another_local_origin_cannot_create_anything(
    page, shared: Launched, attacker: str, minimal_project: Path
) -> None:
    # The user's browser is logged in to the app and has its CSRF cookie.
    page.goto(
        f"{shared.origin}/djdesk/desktop/bootstrap/?token={quote(shared.token)}"
        "&next=/djdesk/workspaces/new/"
    )
    cookies = {c["name"] for c in page.context.cookies()}
    assert {f"djdesk_token_{shared.port}", "csrftoken"} <= cookies
    before = workspaces(shared)

    page.goto(f"{attacker}/attack.html")
    outcomes = page.evaluate("window.attempts")
    assert outcomes["json"] == "error"  # preflight refused: the POST never left
    # Sent blind (no preflight for a form-encoded body): the server refuses it, and
    # Cross-Origin-Resource-Policy even turns the opaque answer into a network error.
    assert outcomes["simple"] in {"error", "opaque:0"}
    assert outcomes["read"] == "error"  # CORS: nothing readable cross-origin
    with page.expect_navigation():
        page.evaluate("document.getElementById('form').submit()")
    assert "Forbidden" in page.content()
    assert workspaces(shared) == before

    # The same request from the app's own page works: the refusal was not vacuous.
    page.goto(f"{shared.origin}/djdesk/workspaces/new/")
    status = page.evaluate(
        """async (project) => {
            const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const response = await fetch("/djdesk/api/workspaces/", {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify({project_path: project, name: "Made by the app"}),
            });
            return response.status;
        }""",
        str(minimal_project),
    )
    assert status == 201
    assert workspaces(shared) == [*before, "Made by the app"]
