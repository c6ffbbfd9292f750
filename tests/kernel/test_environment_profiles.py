"""One allowlist, named profiles: what a project child and a build tool may inherit."""

from __future__ import annotations

import pytest

from djdesk_inspector.kernel import environment

HOST = {
    "PATH": "/usr/bin",
    "HOME": "/home/u",
    "LC_ALL": "C.UTF-8",
    "HTTPS_PROXY": "http://proxy:3128",
    "https_proxy": "http://proxy:3128",
    "SSL_CERT_FILE": "/etc/ca.pem",
    "REQUESTS_CA_BUNDLE": "/etc/ca.pem",
    "PIP_INDEX_URL": "https://mirror/simple",
    "PIP_PASSWORD": "pip-secret",
    "XDG_CACHE_HOME": "/home/u/.cache",
    "DJANGO_SETTINGS_MODULE": "host.settings",
    "PYTHONPATH": "/host",
    "AWS_SECRET_ACCESS_KEY": "aws-secret",
    "EDITOR": "vi",
}


def test_the_project_profile_copies_no_network_configuration() -> None:
    env = environment.clean_env(allow=(), source=HOST)
    assert env["PATH"] == "/usr/bin" and env["LC_ALL"] == "C.UTF-8"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONIOENCODING"] == "utf-8"
    for name in ("HTTPS_PROXY", "https_proxy", "SSL_CERT_FILE", "PIP_INDEX_URL", "XDG_CACHE_HOME"):
        assert name not in env
    assert "PYTHONNOUSERSITE" not in env


def test_the_network_profile_adds_proxies_certificates_and_pip_config() -> None:
    env = environment.clean_env(
        {"PYTHONPATH": "/bundle/app"}, allow=(), source=HOST, profile="network"
    )
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
        "PIP_INDEX_URL",
        "XDG_CACHE_HOME",
    ):
        assert env[name] == HOST[name]
    assert env["PYTHONNOUSERSITE"] == "1"
    assert env["PYTHONPATH"] == "/bundle/app"  # the caller's extra, not the host's
    # Forbidden in every profile, even under an allowed prefix.
    for name in ("PIP_PASSWORD", "DJANGO_SETTINGS_MODULE", "AWS_SECRET_ACCESS_KEY", "EDITOR"):
        assert name not in env


def test_an_unknown_profile_is_an_error() -> None:
    with pytest.raises(KeyError):
        environment.clean_env(allow=(), source=HOST, profile="everything")


def test_the_bundle_uses_the_network_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    from djdesk_electron_kit.bundle import child

    assert not hasattr(child, "ENV_ALLOWLIST")  # one allowlist: the kernel's
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    monkeypatch.setenv("DJDESK_TOKEN", "t")
    env = child.clean_env(PYTHONPATH="/bundle/app")
    assert env["HTTPS_PROXY"] == "http://proxy:3128"
    assert "DJDESK_TOKEN" not in env
    assert env == environment.clean_env({"PYTHONPATH": "/bundle/app"}, allow=(), profile="network")
