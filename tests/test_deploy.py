"""The deployment files in deploy/ cannot drift from the code: the `opora` subcommands they start
exist, the settings they set are read by settings.py, and their paths are the ones Opora uses."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
FILES = sorted(p for p in DEPLOY.rglob("*") if p.is_file())


def settings_read() -> set[str]:
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "opora").rglob("*.py"))
    names = set(re.findall(r'environ(?:\.get)?\(\s*"(OPORA_[A-Z_]+|DATABASE_URL)"', sources))
    return names | set(re.findall(r'env_(?:bool|list)\("(OPORA_[A-Z_]+)"', sources))


def test_deploy_has_the_units_the_proxy_and_the_containers() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in FILES}
    assert {"systemd/opora-web.service", "systemd/opora-worker.service", "systemd/opora-scheduler.service",
            "nginx/opora.conf", "Dockerfile", "compose.yaml", "opora.env.example"} <= names


def test_every_opora_subcommand_in_deploy_exists() -> None:
    commands = set(get_commands())
    used: set[str] = set()
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:bin/opora|(?<![-\w/:])opora|"opora",)[ \t]+"?([a-z][a-z_-]+)', text))
    assert {"serve", "db_worker", "scheduler", "migrate", "collectstatic"} <= used
    assert sorted(c for c in used if c.replace("-", "_") not in commands) == []


def test_every_setting_in_deploy_is_read_by_settings() -> None:
    read = settings_read()
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        named = set(re.findall(r"\b(OPORA_[A-Z_]+|DATABASE_URL)\b", text))
        assert sorted(named - read) == [], path.name


def test_paths_match_the_makefile_and_the_volumes_match_the_settings() -> None:
    venv = re.search(r"^VENV := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert venv
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text(encoding="utf-8")
        directory = re.search(r"^WorkingDirectory=(\S+)$", text, re.M)
        assert directory, unit.name
        for start in re.findall(r"^ExecStart(?:Pre)?=(\S+)", text, re.M):
            assert start == f"{directory.group(1)}/{venv.group(1)}/bin/opora", unit.name
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    env_example = (DEPLOY / "opora.env.example").read_text(encoding="utf-8")
    for setting in ("OPORA_RESULTS_DIR", "OPORA_MEDIA_ROOT"):
        value = re.search(rf"{setting}: (\S+)", compose)
        assert value, setting
        assert f"- {setting.split('_')[1].lower()}:{value.group(1)}" in compose  # a named volume there
        assert f"{setting}={value.group(1)}" in dockerfile and f"{setting}={value.group(1)}" in env_example
    # The Dockerfile installs the same way as the Makefile: an editable install in .venv beside node_modules.
    assert f"python -m venv {venv.group(1)}" in dockerfile and "pip install -q -e ." in dockerfile
    assert "npm install" in dockerfile
