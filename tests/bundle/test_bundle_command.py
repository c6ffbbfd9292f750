"""``manage.py djdesk_bundle`` option handling: one clear line, nothing written.

The test settings do not install the kit's app, so the command object is called directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from djdesk_electron_kit.management.commands.djdesk_bundle import Command


def test_without_desktop_settings_it_says_what_to_create(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no desktop settings module next to tests\.settings"):
        call_command(Command(), "--runtime", "system", "--output", str(tmp_path / "b"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--runtime", "docker"], "--runtime must be pbs, system or archive:PATH"),
        (["--python-version", "3"], "--python-version must look like 3.12"),
        (["--desktop-settings", "not a module"], "invalid settings module"),
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            Command(),
            "--output",
            str(tmp_path / "b"),
            "--desktop-settings",
            "tests.settings",
            *args,
        )
    assert list(tmp_path.iterdir()) == []


def test_verify_of_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"has no readable manifest\.json"):
        call_command(Command(), "--verify", str(tmp_path))
