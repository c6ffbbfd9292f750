"""Secret values never survive redaction, whatever form they are written in."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from djdesk_inspector.kernel.redaction import (
    REDACTED,
    is_sensitive_key,
    redact,
    redact_mapping,
    redact_values,
)

CASES = [
    # Django settings, as diffsettings prints them
    ("SECRET_KEY = 'django-insecure-k3y!@#$'  ###", "SECRET_KEY = '[REDACTED]'  ###"),
    ('SECRET_KEY = "0123456789abcdef"', 'SECRET_KEY = "[REDACTED]"'),
    (
        "SECRET_KEY_FALLBACKS = ['old-1', \"old-2\"]",
        "SECRET_KEY_FALLBACKS = ['[REDACTED]', \"[REDACTED]\"]",
    ),
    ("EMAIL_HOST_PASSWORD = 'smtp-pass'", "EMAIL_HOST_PASSWORD = '[REDACTED]'"),
    (
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app', "
        "'USER': 'app', 'PASSWORD': 'pg-pass', 'HOST': 'db'}}",
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app', "
        "'USER': 'app', 'PASSWORD': '[REDACTED]', 'HOST': 'db'}}",
    ),
    # JSON, repr, escaped JSON
    ('{"password": "p4ss", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'),
    (
        '{"apiKey": "k-123456", "accessToken": "t-98765"}',
        '{"apiKey": "[REDACTED]", "accessToken": "[REDACTED]"}',
    ),
    ('{\\"client_secret\\": \\"cs-1\\"}', '{\\"client_secret\\": \\"[REDACTED]\\"}'),
    ("{'passwd': b'bytes-pass'}", "{'passwd': b'[REDACTED]'}"),
    # key=value, env files, query strings, connection strings
    ("DB_PASSWORD=hunter2 DB_USER=bob", "DB_PASSWORD=[REDACTED] DB_USER=bob"),
    ("export GITHUB_TOKEN=abc.def", "export GITHUB_TOKEN=[REDACTED]"),
    ("/cb?state=x&token=abc123&next=/", "/cb?state=x&token=[REDACTED]&next=/"),
    ("Server=db;UID=sa;PWD=p@ss;", "Server=db;UID=sa;PWD=[REDACTED];"),
    ("redis_pass: swordfish", "redis_pass: [REDACTED]"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", "aws_secret_access_key = [REDACTED]"),
    ("mysql --user=root --password hunter2 app", "mysql --user=root --password [REDACTED] app"),
    (
        "Cookie: sessionid=s3ss; csrftoken=c5rf",
        "Cookie: sessionid=[REDACTED]; csrftoken=[REDACTED]",
    ),
    # URLs and DSNs
    ("postgres://app:s3cr:et@p@db:5432/app", "postgres://app:[REDACTED]@db:5432/app"),
    ("redis://:pw@localhost:6379/0", "redis://:[REDACTED]@localhost:6379/0"),
    ("https://user:pa55@example.com/x?y=1", "https://user:[REDACTED]@example.com/x?y=1"),
    # HTTP authorization
    ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"),
    ("curl -H 'Authorization: Basic dXNlcjpw' x", "curl -H 'Authorization: Basic [REDACTED]' x"),
    ('{"Authorization": "Token 12345678"}', '{"Authorization": "Token [REDACTED]"}'),
    ("sent Bearer eyJhbGciOi.x after", "sent Bearer [REDACTED] after"),
    # Well-known token formats anywhere
    ("key AKIAIOSFODNN7EXAMPLE used", "key [REDACTED] used"),
    ("ghp_" + "a1" * 18, REDACTED),
    ("github_pat_" + "A" * 30, REDACTED),
    ("xoxb-123456789012-abcdefghijkl", REDACTED),
    ("sk_live_" + "x" * 24, REDACTED),
    ("AIza" + "B" * 35, REDACTED),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXg there", "jwt [REDACTED] there"),
    (
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "https://hooks.slack.com/services/[REDACTED]",
    ),
    (
        "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nb",
        "a\n-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----\nb",
    ),
    (
        "-----BEGIN PRIVATE KEY-----\nMIIE truncated",
        "-----BEGIN PRIVATE KEY-----\n[REDACTED]\n-----END PRIVATE KEY-----",
    ),
]

# Text that names secrets without holding any must come out unchanged.
UNCHANGED = [
    "PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']",
    "AUTH_PASSWORD_VALIDATORS = [{'NAME': 'x'}]",
    "PASSWORD_RESET_TIMEOUT = 259200",
    "id = models.AutoField(primary_key=True)",
    "EMAIL_HOST_PASSWORD = ''",
    "password = None",
    "http://localhost:8000/users/@me",
    "Applying auth.0008_alter_user_username_max_length... OK",
    "SECRET_KEY_SET: True",
    "bypass=1 compass: north",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_real_world_forms(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_names_without_values_are_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_idempotent(text: str, expected: str) -> None:
    assert redact(expected) == expected


def test_redact_mapping_by_key_name() -> None:
    settings = {
        "DATABASES": {"default": {"PASSWORD": "x", "HOST": "db", "OPTIONS": {"sslpassword": 1}}},
        "SECRET_KEY_FALLBACKS": ["a", "b"],
        "CACHES": {"default": {"LOCATION": "redis://:pw@cache:6379/1"}},
        "STRIPE": {"api_key": "sk", "public": "pk"},
        "EMAIL_HOST_PASSWORD": "",
        "DEBUG": True,
    }
    assert redact_mapping(settings) == {
        "DATABASES": {
            "default": {"PASSWORD": REDACTED, "HOST": "db", "OPTIONS": {"sslpassword": REDACTED}}
        },
        "SECRET_KEY_FALLBACKS": [REDACTED, REDACTED],
        "CACHES": {"default": {"LOCATION": f"redis://:{REDACTED}@cache:6379/1"}},
        "STRIPE": {"api_key": REDACTED, "public": "pk"},
        "EMAIL_HOST_PASSWORD": "",
        "DEBUG": True,
    }


def test_redact_values_ignores_key_names() -> None:
    data = {"token": {"nodes": ["0001_initial"]}, "msg": ["PASSWORD='x'"]}
    assert redact_values(data) == {
        "token": {"nodes": ["0001_initial"]},
        "msg": ["PASSWORD='[REDACTED]'"],
    }


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("PASSWORD", True),
        ("EMAIL_HOST_PASSWORD", True),
        ("db_pass", True),
        ("apiKey", True),
        ("SENTRY_DSN", True),
        ("SECRET_KEY_FALLBACKS", True),
        ("PASSWORD_HASHERS", False),
        ("TOKEN_TTL", False),
        ("BYPASS", False),
        ("primary_key", False),
        ("NAME", False),
    ],
)
def test_sensitive_keys(key: str, sensitive: bool) -> None:
    assert is_sensitive_key(key) is sensitive


# -- property: a generated secret embedded anywhere never survives ------------------

# Characters real secrets use that keep every template below well-formed.
SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%*+-.=?^_~@:"
secrets_ = st.text(alphabet=SECRET_ALPHABET, min_size=8, max_size=48)
TEMPLATES = [
    "SECRET_KEY = '{s}'",
    'SECRET_KEY = "{s}"',
    "'SECRET_KEY': '{s}'",
    "EMAIL_HOST_PASSWORD = '{s}'  ###",
    "{{'default': {{'ENGINE': 'django.db.backends.mysql', 'PASSWORD': '{s}'}}}}",
    '{{"password": "{s}", "user": "x"}}',
    '{{"api_key":"{s}"}}',
    "DB_PASSWORD={s}",
    "password={s}&next=1",
    "token: {s}",
    "export STRIPE_API_KEY={s}",
    "aws_secret_access_key = {s}",
    "postgres://app:{s}@db.example.com:5432/app",
    "Authorization: Bearer {s}",
    "--password {s}",
    "PWD={s};",
]
noise = st.text(max_size=80)
separators = st.sampled_from([" ", "\n", "\t", " | ", "\r\n"])


@given(
    secret=secrets_,
    template=st.sampled_from(TEMPLATES),
    before=noise,
    after=noise,
    sep1=separators,
    sep2=separators,
)
def test_generated_secret_never_survives(
    secret: str, template: str, before: str, after: str, sep1: str, sep2: str
) -> None:
    assume(secret not in before and secret not in after)
    assume(secret.lower() not in {"none", "null", "true", "false"})
    text = before + sep1 + template.format(s=secret) + sep2 + after
    redacted = redact(text)
    assert secret not in redacted
    assert redact(redacted) == redacted


AWS_IDS = st.from_regex(r"AKIA[0-9A-Z]{16}", fullmatch=True)
GITHUB = st.from_regex(r"ghp_[A-Za-z0-9]{36}", fullmatch=True)
SLACK = st.from_regex(r"xox[baprs]-[A-Za-z0-9]{10,30}", fullmatch=True)
PEM_BODY = st.from_regex(r"[A-Za-z0-9+/]{20,64}", fullmatch=True)


@given(token=st.one_of(AWS_IDS, GITHUB, SLACK), before=noise, after=noise, sep=separators)
def test_generated_cloud_tokens_never_survive(
    token: str, before: str, after: str, sep: str
) -> None:
    assume(token not in before + after)
    assert token not in redact(before + sep + token + sep + after)


@given(body=PEM_BODY, before=noise, after=noise)
def test_generated_private_keys_never_survive(body: str, before: str, after: str) -> None:
    assume(body not in before + after)
    block = f"-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----"
    assert body not in redact(before + "\n" + block + "\n" + after)
