"""CSP hashes: computed as browsers compute them, only for inline scripts."""

from __future__ import annotations

import base64
import hashlib

from djdesk_inspector.docs import csp


def expected(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_only_inline_scripts_are_hashed():
    html = (
        "<html><head><script src='_static/a.js'></script>"
        "<script>let a = '</div>';</script>"
        "<script type='module'>import x from './x.js';</script></head>"
        "<body><p onclick='nope()'>x</p><style>p{}</style></body></html>"
    )
    assert csp.inline_script_hashes(html) == {
        expected("let a = '</div>';"),
        expected("import x from './x.js';"),
    }


def test_line_endings_are_normalised_like_the_html_parser():
    assert csp.script_hash("a();\r\nb();\rc();") == expected("a();\nb();\nc();")


def test_policy_adds_hashes_to_script_src_only():
    policy = csp.policy(("sha256-abc=",))
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self' 'sha256-abc='"
    assert "sha256" not in directives["style-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in policy
