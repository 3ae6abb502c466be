"""The shipped deployment files agree with each other and with the guide, and the template
unit's own command line serves on the port its instance name gives.

(`.ci/deploy` checks them with systemd-analyze and nginx themselves; this needs neither.)
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from pathlib import Path

from tests import databases
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.processes import SECRET, BotProcess, free_port

PROJECT = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT / "deploy"
GUIDE = (PROJECT / "docs" / "DEPLOY.md").read_text("utf-8")
BOT_UNITS = ("helpline.service", "helpline@.service")
SETTINGS = "/etc/helpline/helpline.env"


def unit(name: str) -> dict[str, list[str]]:
    """Each key of a unit file with every value it is given, in order."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _sep, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def guide_commands() -> list[str]:
    """Every command line in the guide's indented or fenced blocks."""
    lines = []
    fenced = False
    for line in GUIDE.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced or line.startswith("    "):
            lines.append(line.strip())
    return lines


def test_the_units_read_the_settings_file_as_every_command_does() -> None:
    """EnvironmentFile= would put WEBHOOK_LISTEN from the file over each instance's own: the
    units name the file for helpline to read instead, as the admin's wrapper does."""
    wrapper = (DEPLOY / "bin" / "helpline").read_text()
    assert f"settings=${{HELPLINE_ENV_FILE:-{SETTINGS}}}" in wrapper
    for name in BOT_UNITS:
        keys = unit(name)
        assert "EnvironmentFile" not in keys, name
        assert f"HELPLINE_ENV_FILE={SETTINGS}" in keys["Environment"], name
        assert keys["PartOf"] == ["helpline.target"] and keys["WantedBy"] == ["helpline.target"]
        assert keys["RestartPreventExitStatus"] == ["2"] and keys["User"] == ["helpline"]
    template = unit("helpline@.service")["ExecStart"]
    assert template == ["/opt/helpline/bin/helpline run --webhook --listen 127.0.0.1:%i"]


def test_nginx_sends_to_exactly_the_instances_the_guide_enables() -> None:
    site = (DEPLOY / "nginx" / "helpline.conf").read_text()
    upstream = re.search(r"upstream helpline \{(.*?)\}", site, re.S)
    assert upstream is not None
    servers = re.findall(r"^\s*server 127\.0\.0\.1:(\d+);", upstream.group(1), re.M)
    enabled = {
        port
        for line in guide_commands()
        if line.startswith("systemctl enable")
        for port in re.findall(r"helpline@(\d+)", line)
    }
    assert servers and set(servers) == enabled, (servers, enabled)


def test_the_guide_runs_helpline_only_with_the_settings_file() -> None:
    """A command run without the settings file uses a new SQLite file in the current folder:
    the guide never shows one, never assumes sudo, never installs a name from PyPI."""
    commands = guide_commands()
    direct = [c for c in commands if "/opt/helpline/bin/helpline " in c]
    assert all("--env-file" in c or "HELPLINE_ENV_FILE" in c for c in direct), direct
    # Otherwise through the admin's wrapper, installed before its first use.
    wrapped = [i for i, c in enumerate(commands) if c.startswith("helpline ")]
    installed = [i for i, c in enumerate(commands) if "deploy/bin/helpline " in c]
    assert wrapped and installed and installed[0] < wrapped[0]
    assert not [c for c in commands if re.match(r"(sudo\b|.*\bsudo -u)", c)]
    assert not [c for c in commands if re.search(r"pip install .*helpline\[", c)]


async def test_the_template_units_command_serves_on_its_instance_port(tmp_path: Path) -> None:
    """helpline@PORT's ExecStart, with the unit's environment, serves on PORT although the
    settings file (as copied from .env.example) says 8080 and the environment says another."""
    fake = FakeTelegram()
    await fake.start()
    port, elsewhere = free_port(), free_port()
    settings = tmp_path / "helpline.env"
    example = (PROJECT / ".env.example").read_text()
    settings.write_text(
        example
        + f"\nBOT_TOKEN={TOKEN}\nTELEGRAM_API_URL={fake.url}\n"
        + f"DATABASE_URL={databases.url_for(tmp_path)}\n"
        + f"WEBHOOK_URL=https://helpline.example.org/telegram/hook\nWEBHOOK_SECRET={SECRET}\n"
    )
    settings.chmod(0o600)
    keys = unit("helpline@.service")
    environment = dict(v.split("=", 1) for v in keys["Environment"])
    environment |= {
        "HELPLINE_ENV_FILE": str(settings),
        "MPLCONFIGDIR": str(tmp_path / "cache"),
        "WEBHOOK_LISTEN": f"127.0.0.1:{elsewhere}",  # as if set by hand in a shell
        "PYTHONPATH": str(PROJECT),
        "PATH": "/usr/bin:/bin",
    }
    command = shlex.split(keys["ExecStart"][0].replace("%i", str(port)))
    assert command[0] == "/opt/helpline/bin/helpline"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *command[1:],
        cwd=tmp_path,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(tmp_path / "unit.log").open("wb"),
    )
    bot = BotProcess(process, tmp_path / "unit.log", port)
    try:
        await bot.wait_healthy()
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.kill()
        await fake.close()
    assert f"(settings from {settings})" in bot.log.read_text()
