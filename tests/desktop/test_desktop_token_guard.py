"""Every URL needs the launch token; the Host must be the bound address; headers are strict."""

from __future__ import annotations

import subprocess
import sys
from http.cookies import SimpleCookie
from urllib.parse import quote

import pytest

from djdesk_electron_kit.middleware import CSP
from tests.desktop.launching import PROJECT, Launched, launch_env

pytestmark = pytest.mark.slow

STATIC = "/static/djdesk_electron_kit/djdesk-native.js"


@pytest.fixture(scope="module")
def every_url(shared: Launched) -> list[str]:
    """The launched project's URLconf, walked in its own configuration."""
    env = launch_env(
        None, DJANGO_SETTINGS_MODULE="atlas.settings_desktop", DJDESK_DATA_DIR=str(shared.data_dir)
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.desktop.urlwalk"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    import json

    urls = json.loads(result.stdout)
    # The runtime's own pages, the inspector, the admin and the static files are all in.
    for expected in ("/djdesk/desktop/health/", "/djdesk/", "/admin/"):
        assert expected in urls
    return [*urls, STATIC, "/static/admin/css/base.css", "/no/such/page/"]


def test_every_url_is_refused_without_the_token(shared: Launched, every_url: list[str]) -> None:
    refused = {url: shared.get(url, token=False).status for url in every_url}
    assert refused == dict.fromkeys(every_url, 403)
    posted = {url: shared.request("POST", url, token=False).status for url in every_url}
    assert posted == dict.fromkeys(every_url, 403)


def test_every_url_answers_with_the_token(shared: Launched, every_url: list[str]) -> None:
    answers = {url: shared.get(url).status for url in every_url}
    wrong = {url: code for url, code in answers.items() if code in (400, 403) or code >= 500}
    assert wrong == {}
    assert answers[STATIC] == 200
    assert answers["/djdesk/desktop/health/"] == 200


def test_a_wrong_token_is_refused(shared: Launched) -> None:
    answer = shared.get(
        "/djdesk/desktop/health/", token=False, headers={"X-DJDesk-Token": shared.token[:-1] + "x"}
    )
    assert answer.status == 403


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost:{other}",
        "127.0.0.1.nip.io:{port}",
        "[::1]:{port}",
        "",
    ],
)
def test_a_spoofed_host_is_a_bad_request(shared: Launched, host: str) -> None:
    value = host.format(port=shared.port, other=shared.port + 1)
    answer = shared.get("/djdesk/desktop/health/", host=value)
    assert answer.status == 400
    assert shared.get(STATIC, host=value).status == 400


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_bound_address_is_accepted(shared: Launched, host: str) -> None:
    assert shared.get("/djdesk/desktop/health/", host=host.format(port=shared.port)).status == 200


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_requests_from_other_sites_are_refused_even_with_the_token(
    shared: Launched, site: str
) -> None:
    answer = shared.get("/djdesk/desktop/health/", headers={"Sec-Fetch-Site": site})
    assert answer.status == 403
    for site_ok in ("same-origin", "none"):
        ok = shared.get("/djdesk/desktop/health/", headers={"Sec-Fetch-Site": site_ok})
        assert ok.status == 200


@pytest.mark.parametrize("path", ["/djdesk/desktop/health/", STATIC, "/no/such/page/"])
def test_security_headers_on_every_answer(shared: Launched, path: str) -> None:
    for answer in (shared.get(path), shared.get(path, token=False)):
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert answer.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in answer.headers["Permissions-Policy"]


def bootstrap(shared: Launched, token: str, next_url: str | None = None) -> tuple[int, str, str]:
    query = f"?token={quote(token)}" + (f"&next={quote(next_url)}" if next_url else "")
    answer = shared.get(f"/djdesk/desktop/bootstrap/{query}", token=False)
    return answer.status, answer.headers.get("Location", ""), answer.headers.get("Set-Cookie", "")


def test_bootstrap_sets_a_strict_httponly_cookie_that_opens_every_url(shared: Launched) -> None:
    status, location, set_cookie = bootstrap(shared, shared.token, "/djdesk/desktop/about/")
    assert (status, location) == (302, "/djdesk/desktop/about/")
    cookie = SimpleCookie(set_cookie)
    name = f"djdesk_token_{shared.port}"
    morsel = cookie[name]
    assert morsel.value == shared.token
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    with_cookie = {"Cookie": f"{name}={shared.token}"}
    assert shared.get("/djdesk/desktop/about/", token=False, headers=with_cookie).status == 200
    assert shared.get(STATIC, token=False, headers=with_cookie).status == 200
    wrong = {"Cookie": f"{name}=nope"}
    assert shared.get("/djdesk/desktop/about/", token=False, headers=wrong).status == 403


def test_bootstrap_refuses_a_wrong_token(shared: Launched) -> None:
    status, _, set_cookie = bootstrap(shared, "x" * 43, "/djdesk/")
    assert status == 403
    assert set_cookie == ""


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_bootstrap_never_redirects_off_the_app(shared: Launched, next_url: str) -> None:
    status, location, _ = bootstrap(shared, shared.token, next_url)
    assert (status, location) == (302, "/")


def test_csrf_stays_on_behind_the_token(shared: Launched) -> None:
    answer = shared.request(
        "POST",
        "/djdesk/api/workspaces/",
        headers={"Content-Type": "application/json"},
        body=b'{"project_path": "/tmp"}',
    )
    assert answer.status == 403
    assert b"CSRF" in answer.body
