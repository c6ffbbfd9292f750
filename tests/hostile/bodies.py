"""The hostile request bodies, shared by the tests and ``bench/hostile_input.py``."""

from __future__ import annotations

from djdesk_inspector.kernel.jsonapi import MAX_DEPTH

# name -> raw body. The first three are the 500s seen against the real launcher.
HOSTILE_BODIES: dict[str, bytes] = {
    "nested-arrays": b"[" * 100_000 + b"]" * 100_000,
    "huge-integer": b'{"preset": ' + b"9" * 5_000 + b', "template": 1, "kind": 1}',
    "lone-surrogate": (
        b'{"preset": "\\ud800", "template": "\\udfff", "kind": "\\ud83d", '
        b'"project_path": "\\ud800", "name": "x\\udc00y"}'
    ),
    "nested-objects": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "nested-just-over": b'{"preset": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}",
    "surrogate-key": b'{"\\ud800": 1}',
    "surrogate-in-args": b'{"preset": "check", "args": {"app_label": ["\\udbff"]}}',
    "nul-character": b'{"preset": "che\\u0000ck", "project_path": "/tmp/\\u0000", "kind": "\\u0000"}',
    "long-float": b'{"preset": 0.' + b"1" * 5_000 + b"}",
    "huge-exponent": b'{"execute": 1e999999}',
    "nan": b'{"preset": NaN}',
    "infinity": b'{"execute": -Infinity}',
    "negative-huge-integer": b'{"args": {"n": -' + b"1" * 4_400 + b"}}",
    "not-utf8": b'{"preset": "\xff\xfe"}',
    "truncated": b'{"preset": "check", "args": {',
    "unterminated-string-brackets": b'{"preset": "[[[[' + b"\\" * 3 + b"[" * 200,
    "escaped-quotes-no-end": b'"' + b'\\"' * 50_000 + b"\\",
    "array-not-object": b"[1, 2, 3]",
    "string-not-object": b'"preset"',
}
# Well-formed but odd: an endpoint may ignore them (202) or refuse them (4xx), never 5xx.
ODD_BODIES: dict[str, bytes] = {
    "empty-object-key": b'{"": {"": {"": []}}}',
    "duplicate-keys": b'{"preset": 1, "preset": "check"}',
    "wrong-types": b'{"preset": {"a": 1}, "template": [], "kind": {}, "project_path": 7, "args": "x"}',
    "empty": b"",
    "utf16-bom": '{"preset": "x"}'.encode("utf-16"),
    "whitespace": b" \n\t ",
    "big-but-legal-integer": b'{"preset": 9223372036854775808, "args": {"n": -9223372036854775809}}',
}
