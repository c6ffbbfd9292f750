"""Replace secret *values* in text and settings with ``[REDACTED]`` before storing them.

Probe stderr, task logs and settings summaries end up in the database and on screen,
so anything that looks like a credential is cut first: keys named like secrets in
settings, ``key=value``, JSON, dict-repr and flag forms; URL/DSN passwords; HTTP
authorization headers; well-known token formats (AWS, GitHub, Slack, Stripe, Google,
JWT, Django's generated keys) and PEM private key blocks.

Names are kept so the output stays useful (``PASSWORD = '[REDACTED]'``). When in
doubt a value is cut: a false positive costs some context, a false negative leaks.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[REDACTED]"

# Values known to be secret because a workspace supplied them (env file, pass-through
# names): cut wherever they appear, whatever their shape. Too short or too common a
# value would cut unrelated text, so those are not registered.
_MIN_REGISTERED = 4
_COMMON = frozenset({"true", "false", "none", "null", "yes", "no", "on", "off"})
_registered: set[str] = set()
_registered_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def register_values(values: Iterable[str]) -> None:
    """Redact these exact values from now on, in this process (workspace secrets)."""
    global _registered_pattern
    fresh = {
        v
        for v in values
        if isinstance(v, str)
        and len(v.strip()) >= _MIN_REGISTERED
        and v.strip().lower() not in _COMMON
        and not v.strip().isdigit()
    }
    with _lock:
        if fresh <= _registered:
            return
        _registered.update(fresh)
        ordered = sorted(_registered, key=len, reverse=True)
        _registered_pattern = re.compile("|".join(re.escape(v) for v in ordered))


def _cut_registered(text: str) -> str:
    pattern = _registered_pattern
    return pattern.sub(REDACTED, text) if pattern is not None else text


# A key is sensitive when it *ends* with one of these words: EMAIL_HOST_PASSWORD and
# GITHUB_TOKEN are, PASSWORD_HASHERS and TOKEN_TTL are not.
_WORDS = (
    r"secret[_\-]?key|secret|password|passwd|passphrase|pwd|(?<![a-z])pass"
    r"|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|signing[_\-]?key"
    r"|encryption[_\-]?key|master[_\-]?key|account[_\-]?key|client[_\-]?secret"
    r"|credentials?|dsn|sessionid|secret[_\-]?key[_\-]?fallbacks"
)
_KEY = rf"(?<![\w.\-])[\w.\-]*?(?:{_WORDS})"
_SEP = r"\s*(?:=>|:=|=|:)\s*"
_FLAGS = re.IGNORECASE

_SENSITIVE_KEY = re.compile(rf"[\w.\-]*?(?:{_WORDS})", _FLAGS)

# Cheap pre-filter: text with none of these cannot contain anything we redact.
_TRIGGER = re.compile(
    r"pass|pwd|secret|token|key|dsn|session|credential|auth|bearer|://|-----BEGIN"
    r"|AKIA|ASIA|gh[pousr]_|github_pat_|xox|xapp-|[sr]k_|AIza|eyJ|django-insecure",
    _FLAGS,
)

_PEM = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----.*?(?:-----END \1PRIVATE KEY-----|\Z)",
    re.DOTALL,
)

# scheme://user:password@host  (the password may contain ':' and raw '@')
_DSN = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s/:@'\"]*:)[^\s/'\"]+(@)")

_TOKENS = re.compile(
    r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{36,255}\b"
    r"|\bgithub_pat_[A-Za-z0-9_]{22,255}\b"
    r"|\bxox[abeprs]-[A-Za-z0-9\-]{10,}"
    r"|\bxapp-[A-Za-z0-9\-]{10,}"
    r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b"
    r"|\bAIza[0-9A-Za-z_\-]{35}\b"
    r"|\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{10,}"
    r"|\bdjango-insecure-[^\s'\"]+"
    r"|(?<=hooks\.slack\.com/services/)[A-Za-z0-9/]+"
)

# SECRET_KEY_FALLBACKS = ['a', 'b']: every string in the list is a key.
_FALLBACKS = re.compile(rf"(secret[_\-]?key[_\-]?fallbacks[\"']?{_SEP})([\[(][^\])]*[\])])", _FLAGS)
_ANY_STRING = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")

# key = 'value' / "key": "value" / 'KEY': b'value' / key=\"value\" (escaped JSON)
_KV_QUOTED = re.compile(
    rf"(?P<head>{_KEY}\\?[\"']?{_SEP}(?:[rbuRBU]{{1,2}})?)"
    r"(?:(?P<q1>')(?P<v1>(?:[^'\\\n]|\\.)*)'"
    r"|(?P<q2>\")(?P<v2>(?:[^\"\\\n]|\\.)*)\""
    r"|(?P<q3>\\\")(?P<v3>.*?)\\\")",
    _FLAGS,
)
# The same with naive quoting, for values that end in a stray backslash.
_KV_QUOTED_NAIVE = re.compile(
    rf"(?P<head>{_KEY}[\"']?{_SEP}(?:[rbuRBU]{{1,2}})?)(?P<q>['\"])(?P<v>[^'\"\n]*)(?P=q)",
    _FLAGS,
)
# key=value, key: value (unquoted; stops at separators and brackets)
_KV_BARE = re.compile(
    rf"(?P<head>{_KEY}[\"']?{_SEP})(?![rbuRBU]{{1,2}}['\"])(?P<v>[^\s,;&'\"<>{{}}\[\]()]+)",
    _FLAGS,
)
_KEEP_BARE = frozenset({"none", "null", "true", "false", "nil", REDACTED.lower()})

# --password hunter2
_FLAG = re.compile(
    r"(?P<head>(?<![\w\-])--?[\w\-]*(?:password|passwd|token|secret|api-key|apikey)\s+)"
    r"(?P<v>[^\s'\"]+)",
    _FLAGS,
)

# Authorization: Bearer abc / Authorization: Basic dXNlcjpw / "authorization": "Token x"
_AUTH_HEADER = re.compile(
    r"(?P<head>\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:[A-Za-z][\w\-]*\s+)?)"
    r"(?P<v>[^\s\"',;]+)",
    _FLAGS,
)
_BEARER = re.compile(r"(?P<head>\bBearer\s+)(?P<v>[A-Za-z0-9\-._~+/]{8,}=*)")


def _pem(match: re.Match[str]) -> str:
    kind = match.group(1)
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{REDACTED}\n-----END {kind}PRIVATE KEY-----"


def _quoted(match: re.Match[str]) -> str:
    for n in ("1", "2", "3"):
        quote = match.group(f"q{n}")
        if quote is not None:
            value = match.group(f"v{n}")
            return match.group("head") + quote + (REDACTED if value else "") + quote
    return match.group(0)  # pragma: no cover - one alternative always matches


def _quoted_naive(match: re.Match[str]) -> str:
    value = match.group("v")
    return match.group("head") + match.group("q") + (REDACTED if value else "") + match.group("q")


def _bare(match: re.Match[str]) -> str:
    value = match.group("v")
    if value.lower() in _KEEP_BARE:
        return match.group(0)
    return match.group("head") + REDACTED


def _fallbacks(match: re.Match[str]) -> str:
    items = _ANY_STRING.sub(lambda m: m.group(0)[0] + REDACTED + m.group(0)[0], match.group(2))
    return match.group(1) + items


def _head_redacted(match: re.Match[str]) -> str:
    return match.group("head") + REDACTED


def redact(text: str) -> str:
    """``text`` with every secret value recognised replaced by ``[REDACTED]``.

    Idempotent: redacting twice gives the same text as redacting once.
    """
    if text:
        text = _cut_registered(text)
    if not text or not _TRIGGER.search(text):
        return text
    text = _PEM.sub(_pem, text)
    text = _DSN.sub(rf"\1{REDACTED}\2", text)
    text = _TOKENS.sub(REDACTED, text)
    text = _FALLBACKS.sub(_fallbacks, text)
    text = _AUTH_HEADER.sub(_head_redacted, text)
    text = _BEARER.sub(_head_redacted, text)
    # Quoted values first: a bare pass could otherwise swallow the next key.
    text = _KV_QUOTED.sub(_quoted, text)
    text = _KV_QUOTED_NAIVE.sub(_quoted_naive, text)
    text = _FLAG.sub(_head_redacted, text)
    return _KV_BARE.sub(_bare, text)


def is_sensitive_key(key: str) -> bool:
    """True for setting/field names whose values are secrets (``DB_PASSWORD``, ``apiKey``)."""
    return bool(_SENSITIVE_KEY.fullmatch(key))


def _blank(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_blank(v) for v in value]
    if value is None or value == "" or isinstance(value, bool):
        return value
    return REDACTED


def redact_mapping(data: Any) -> Any:
    """A copy of nested settings data with values under sensitive keys cut.

    ``{"DATABASES": {"default": {"PASSWORD": "x"}}}`` keeps its shape; every other
    string still goes through :func:`redact` (a DSN in ``CACHES`` loses its password).
    """
    if isinstance(data, Mapping):
        return {
            key: _blank(value)
            if isinstance(key, str) and is_sensitive_key(key)
            else redact_mapping(value)
            for key, value in data.items()
        }
    if isinstance(data, (list, tuple)):
        return [redact_mapping(item) for item in data]
    if isinstance(data, str):
        return redact(data)
    return data


def redact_values(data: Any) -> Any:
    """A copy of JSON-like data with :func:`redact` applied to every string value.

    Keys are never used to decide (an app labelled ``token`` is not a secret).
    """
    if isinstance(data, Mapping):
        return {key: redact_values(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_values(item) for item in data]
    if isinstance(data, str):
        return redact(data)
    return data


def redact_registered(data: Any) -> Any:
    """A copy of JSON-like data with only the registered values cut (see
    :func:`register_values`): for whole documents, where the pattern heuristics of
    :func:`redact` would cut harmless text such as URL routes."""
    if _registered_pattern is None:
        return data
    if isinstance(data, Mapping):
        return {key: redact_registered(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_registered(item) for item in data]
    if isinstance(data, str):
        return _cut_registered(data)
    return data
