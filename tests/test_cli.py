"""The `helpline` command as an operator uses it, each run a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import databases
from tests.directory_data import as_yaml, entry, standard_entries
from tests.file_data import hostile_file

PROJECT = Path(__file__).resolve().parent.parent


def helpline(
    *args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": databases.url_for(cwd, "cli"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def standard_file(tmp_path: Path) -> Path:
    path = tmp_path / "directory.yaml"
    path.write_text(as_yaml(standard_entries()), "utf-8")
    return path


def test_validate(tmp_path: Path, standard_file: Path) -> None:
    ok = helpline("directory", "validate", str(standard_file), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert f"{len(standard_entries())} entries" in ok.stdout
    assert not databases.schema_exists(
        databases.url_for(tmp_path, "cli")
    )  # validate never touches the database
    bad = tmp_path / "bad.yaml"
    bad.write_text(as_yaml([entry("good"), entry("broken", regions=["XX"], status="x")]))
    result = helpline("directory", "validate", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 2 and all("entry 'broken'" in line for line in lines)
    assert any("status" in line for line in lines) and any("regions[0]" in line for line in lines)


@pytest.mark.parametrize("command", [["validate"], ["import", "--dry-run"], ["import"]])
def test_a_hostile_file_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile_file(), "utf-8")
    started = time.monotonic()
    result = helpline("directory", *command, str(path), cwd=tmp_path)
    took = time.monotonic() - started
    assert result.returncode == 1
    assert "entry (number 1, line 3): " in result.stderr and "anchor (&e)" in result.stderr
    assert took < 15, f"took {took:.1f} s"  # starting Python is most of it


def test_import_export_round_trip(tmp_path: Path, standard_file: Path) -> None:
    imported = helpline("directory", "import", str(standard_file), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"{len(standard_entries())} were added" in imported.stdout
    first = helpline("directory", "export", "-", cwd=tmp_path).stdout
    second = helpline("directory", "export", "-", cwd=tmp_path).stdout
    assert first == second
    exported = tmp_path / "exported.yaml"
    exported.write_text(first, "utf-8")
    again = helpline("directory", "import", str(exported), cwd=tmp_path)
    assert "0 were added, 0 were updated, 0 were removed" in again.stdout
    assert helpline("directory", "export", "-", cwd=tmp_path).stdout == first
    assert yaml.safe_load(first)["version"] == 2  # exports write version 2
    exported_shelter = next(
        e for e in yaml.safe_load(first)["entries"] if e["id"] == "cn-shelter-all"
    )
    assert exported_shelter["expect"] == next(
        e["expect"] for e in standard_entries() if e["id"] == "cn-shelter-all"
    )


def test_dry_run_says_what_would_change_and_changes_nothing(
    tmp_path: Path, standard_file: Path
) -> None:
    helpline("directory", "import", str(standard_file), cwd=tmp_path)
    before = helpline("directory", "export", "-", cwd=tmp_path).stdout
    entries = standard_entries()
    entries = [e for e in entries if e["id"] != "kr-settlement"]
    entries[0]["name"] = {"en": "Renamed Shelter"}
    entries.append(entry("brand-new"))
    changed = tmp_path / "changed.yaml"
    changed.write_text(as_yaml(entries), "utf-8")
    result = helpline("directory", "import", "--dry-run", str(changed), cwd=tmp_path)
    assert result.returncode == 0
    assert "added: brand-new" in result.stdout
    assert f"updated: {entries[0]['id']}" in result.stdout
    assert "removed: kr-settlement" in result.stdout
    assert "1 would be added, 1 would be updated, 1 would be removed" in result.stdout
    assert helpline("directory", "export", "-", cwd=tmp_path).stdout == before
    applied = helpline("directory", "import", str(changed), cwd=tmp_path)
    assert "1 were added, 1 were updated, 1 were removed" in applied.stdout
    after = yaml.safe_load(helpline("directory", "export", "-", cwd=tmp_path).stdout)
    ids = {e["id"] for e in after["entries"]}
    assert "brand-new" in ids and "kr-settlement" not in ids


def test_a_file_with_any_error_changes_nothing(tmp_path: Path, standard_file: Path) -> None:
    helpline("directory", "import", str(standard_file), cwd=tmp_path)
    before = helpline("directory", "export", "-", cwd=tmp_path).stdout
    entries = [entry("all-new-1"), entry("all-new-2", contacts=[{"type": "fax", "value": "1"}])]
    bad = tmp_path / "bad.yaml"
    bad.write_text(as_yaml(entries), "utf-8")
    result = helpline("directory", "import", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "entry 'all-new-2'" in result.stderr and "contacts[0].type" in result.stderr
    assert "nothing was changed" in result.stderr
    assert helpline("directory", "export", "-", cwd=tmp_path).stdout == before


def test_csv_and_hsds_exports(tmp_path: Path, standard_file: Path) -> None:
    helpline("directory", "import", str(standard_file), cwd=tmp_path)
    out = helpline("directory", "export", "-", "--format", "csv", cwd=tmp_path).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == sorted(e["id"] for e in standard_entries())
    shelter = next(r for r in rows if r["id"] == "cn-shelter-all")
    assert shelter["name_ko"] == "세 언어 쉼터" and shelter["regions"] == "CN"
    assert shelter["expect_zh"] == "志愿者接听。他们从不主动打电话。"
    header = next(csv.reader(io.StringIO(out)))
    assert header.index("description_en") < header.index("expect_ko") < header.index("hours_en")
    hotline = next(r for r in rows if r["id"] == "any-hotline")
    assert hotline["contacts"].startswith("email: ")
    hsds = json.loads(helpline("directory", "export", "-", "--format", "hsds", cwd=tmp_path).stdout)

    def attribute(service: dict[str, Any], code: str) -> str:
        return next(a["value"] for a in service["attributes"] if a["taxonomy_term"]["code"] == code)

    services = {attribute(s, "entry_id"): s for s in hsds["contents"]}
    assert hsds["total_items"] == len(standard_entries())
    assert services["cn-draft"]["status"] == "inactive"
    assert services["cn-shelter-all"]["status"] == "active"
    assert [p["number"] for p in services["cn-shelter-all"]["phones"]] == ["+86 10 0000 0000"]
    assert attribute(services["cn-shelter-all"], "name:zh") == "三语庇护所"
    expect_en = "A volunteer answers. They never call first."
    assert services["cn-shelter-all"]["application_process"] == expect_en
    assert attribute(services["cn-shelter-all"], "expect:ko").startswith("봉사자가")
    assert "application_process" not in services["any-hotline"]
    target = tmp_path / "out.json"
    helpline("directory", "export", str(target), "--format", "hsds", cwd=tmp_path)
    assert json.loads(target.read_text("utf-8")) == hsds


def test_db_upgrade(tmp_path: Path) -> None:
    result = helpline("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert databases.schema_exists(databases.url_for(tmp_path, "cli"))
    assert helpline("db", "upgrade", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"VERIFY_MAX_AGE_DAYS": "soon"}, "VERIFY_MAX_AGE_DAYS"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"BOT_TOKEN": "not a token"}, "BOT_TOKEN"),
        ({"WEBHOOK_LISTEN": "8080"}, "WEBHOOK_LISTEN"),
        ({"DELETE_USER_MESSAGES": "perhaps"}, "DELETE_USER_MESSAGES"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"WEBHOOK_URL": "http://plain.example.org/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces in it"}, "WEBHOOK_SECRET"),
    ],
)
def test_a_bad_setting_stops_with_one_line(tmp_path: Path, env: dict[str, str], name: str) -> None:
    result = helpline("db", "upgrade", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in result.stderr


def test_run_without_token_says_so(tmp_path: Path) -> None:
    result = helpline("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOKEN" in lines[0]


@pytest.mark.parametrize(
    ("args", "env", "name"),
    [
        (["--webhook"], {}, "WEBHOOK_URL"),
        ([], {"WEBHOOK_URL": "https://helpline.example.org/hook"}, "WEBHOOK_SECRET"),
    ],
)
def test_a_webhook_needs_its_address_and_secret(
    tmp_path: Path, args: list[str], env: dict[str, str], name: str
) -> None:
    token = {"BOT_TOKEN": "4839574812:AAFakeTokenForTestsOnly_abcdefghijk12"}
    result = helpline("run", *args, cwd=tmp_path, env={**token, **env})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], result.stderr


def test_settings_come_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("VERIFY_MAX_AGE_DAYS=-5\n")
    result = helpline("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 2 and "VERIFY_MAX_AGE_DAYS" in result.stderr


def test_demo_is_scriptable_in_korean(tmp_path: Path) -> None:
    # Urgent help, in China: a danger contact's handle; then its card.
    result = helpline("demo", "--lang", "ko", cwd=tmp_path, stdin="1\n1\n1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first, asked, danger, card = out.split("> [1]")
    assert "지금 어디에 있습니까" in first
    assert "중국에 있습니다" in asked
    assert "@example_bridge_help" in danger
    assert "연락 방법" in card
    assert "<b>" not in out
    assert list(tmp_path.iterdir()) == []  # the throwaway database is gone


def test_demo_typed_text_and_missing_button(tmp_path: Path) -> None:
    result = helpline("demo", cwd=tmp_path, stdin="hello there\n99\n")
    assert result.returncode == 0
    assert "No person reads what you send here" in result.stdout
    assert "there is no button 99" in result.stdout


def test_dry_run_and_export_never_create_a_database(tmp_path: Path, standard_file: Path) -> None:
    result = helpline("directory", "import", "--dry-run", str(standard_file), cwd=tmp_path)
    assert result.returncode == 0
    assert f"{len(standard_entries())} would be added" in result.stdout
    exported = helpline("directory", "export", "-", cwd=tmp_path)
    assert exported.returncode == 2 and "no directory yet" in exported.stderr
    assert not databases.schema_exists(databases.url_for(tmp_path, "cli"))


def test_csv_cells_cannot_become_formulas(tmp_path: Path) -> None:
    path = tmp_path / "formula.yaml"
    path.write_text(as_yaml([entry("formula", name={"en": "=1+1", "ko": "+82 이름"})]), "utf-8")
    assert helpline("directory", "import", str(path), cwd=tmp_path).returncode == 0
    out = helpline("directory", "export", "-", "--format", "csv", cwd=tmp_path).stdout
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["name_en"] == "'=1+1" and row["name_ko"] == "'+82 이름"
    assert row["id"] == "formula"


def test_demo_erase_is_shown(tmp_path: Path) -> None:
    result = helpline("demo", cwd=tmp_path, stdin="8\n1\n")  # Erase: the last button
    assert result.returncode == 0, result.stderr
    assert "Are you sure?" in result.stdout
    assert "(the bot deleted 1 of its messages from the chat)" in result.stdout
    assert result.stdout.rstrip().endswith("(Done.)")  # a notice, not a message


def test_staff_add_list_remove(tmp_path: Path) -> None:
    assert (
        helpline("staff", "add", "123456789", "--role", "volunteer", cwd=tmp_path).returncode == 0
    )
    assert helpline("staff", "add", "987654321", "--role", "admin", cwd=tmp_path).returncode == 0
    promoted = helpline("staff", "add", "123456789", "--role", "admin", cwd=tmp_path)
    assert promoted.stdout.strip() == "123456789: admin"
    listed = helpline("staff", "list", cwd=tmp_path).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [
        ["123456789", "admin"],
        ["987654321", "admin"],
    ]
    assert helpline("staff", "remove", "123456789", cwd=tmp_path).returncode == 0
    again = helpline("staff", "remove", "123456789", cwd=tmp_path)
    assert again.returncode == 2 and "is not staff" in again.stderr
    bad = helpline("staff", "add", "12ab", "--role", "admin", cwd=tmp_path)
    assert bad.returncode == 2 and "not a Telegram user id" in bad.stderr
    assert helpline("staff", "add", "5", "--role", "boss", cwd=tmp_path).returncode == 2


def test_every_imported_change_is_in_the_history(tmp_path: Path, standard_file: Path) -> None:
    helpline("directory", "import", str(standard_file), cwd=tmp_path)
    entries = standard_entries()
    entries[0]["name"] = {"en": "Renamed Shelter", "ko": "새 이름 쉼터"}
    entries = [e for e in entries if e["id"] != "kr-settlement"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(as_yaml(entries), "utf-8")
    helpline("directory", "import", str(changed), cwd=tmp_path)
    helpline("directory", "import", str(changed), cwd=tmp_path)  # no change, no record
    first = helpline("directory", "history", entries[0]["id"], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    heads = [line for line in lines if " UTC  " in line]
    # The update is recorded field by field and language by language, as the desk does.
    assert [h.split("  ")[1] for h in heads] == ["added", "updated", "updated"]
    assert [h.split("  ")[-1] for h in heads[1:]] == ["(name en)", "(name ko)"]
    assert all("by cli" in h for h in heads)
    assert any(line.strip().startswith("+") and "Renamed Shelter" in line for line in lines)
    assert any(line.strip().startswith("-") and "Bravo Shelter" in line for line in lines)
    gone = helpline("directory", "history", "kr-settlement", cwd=tmp_path).stdout
    assert [h.split("  ")[1] for h in gone.splitlines() if " UTC  " in h] == ["added", "removed"]
    none = helpline("directory", "history", "never-there", cwd=tmp_path)
    assert none.returncode == 2 and "no recorded change" in none.stderr


def test_staff_notes_are_exported_only_on_request_and_never_lost(
    tmp_path: Path, standard_file: Path
) -> None:
    helpline("directory", "import", str(standard_file), cwd=tmp_path)
    plain = helpline("directory", "export", "-", cwd=tmp_path).stdout
    full = helpline("directory", "export", "-", "--include-internal", cwd=tmp_path).stdout
    assert "staff-only-note-7731" not in plain and "staff-only-note-7731" in full
    for fmt in ("csv", "hsds"):
        out = helpline("directory", "export", "-", "--format", fmt, cwd=tmp_path).stdout
        assert "staff-only-note-7731" not in out
        out = helpline(
            "directory", "export", "-", "--format", fmt, "--include-internal", cwd=tmp_path
        ).stdout
        assert "staff-only-note-7731" in out
    exported = tmp_path / "plain.yaml"
    exported.write_text(plain, "utf-8")
    again = helpline("directory", "import", str(exported), cwd=tmp_path)
    assert "0 were added, 0 were updated, 0 were removed" in again.stdout
    assert (
        "staff-only-note-7731"
        in helpline("directory", "export", "-", "--include-internal", cwd=tmp_path).stdout
    )
    cleared = yaml.safe_load(full)
    for item in cleared["entries"]:
        if "internal_note" in item:
            item["internal_note"] = ""
    (tmp_path / "cleared.yaml").write_text(yaml.safe_dump(cleared, allow_unicode=True), "utf-8")
    result = helpline("directory", "import", str(tmp_path / "cleared.yaml"), cwd=tmp_path)
    assert "1 were updated" in result.stdout
    after = helpline("directory", "export", "-", "--include-internal", cwd=tmp_path).stdout
    assert "staff-only-note-7731" not in after
