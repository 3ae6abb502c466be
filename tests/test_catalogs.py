"""Catalogs: complete in ko, zh and en, no fuzzy entries, same placeholders, really loaded."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.taxonomy import NEED_LABELS, PLACE_LABELS, USER_LANGUAGES

PROJECT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%[a-z]")


def template_ids(pot: Path) -> set[str]:
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_template_matches_the_source(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=PROJECT,
        check=True,
    )
    assert template_ids(fresh) == template_ids(PROJECT / "locales" / "messages.pot"), (
        "run pybabel extract and update the catalogs"
    )


@pytest.mark.parametrize("lang", USER_LANGUAGES)
def test_catalog_is_complete(lang: str) -> None:
    wanted = template_ids(PROJECT / "locales" / "messages.pot")
    catalog = i18n.read_catalog(lang)
    messages = {m.id: m for m in catalog if m.id}
    assert set(messages) == wanted
    for msgid, message in messages.items():
        sources = [msgid] if isinstance(msgid, str) else list(msgid)
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        assert forms and all(f.strip() for f in forms), f"{lang}: {msgid!r} is empty"
        assert not message.fuzzy, f"{lang}: {msgid!r} is fuzzy"
        wanted_fields = {tuple(sorted(PLACEHOLDER.findall(source))) for source in sources}
        assert len(wanted_fields) == 1, f"singular and plural differ in {msgid!r}"
        for form in forms:
            assert (tuple(sorted(PLACEHOLDER.findall(form))),) == tuple(wanted_fields), (
                f"{lang}: placeholders differ in {msgid!r}"
            )


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_catalog_really_loads(lang: str) -> None:
    i18n.translations.cache_clear()
    texts = i18n.Texts(lang)
    labels = [*NEED_LABELS.values(), *PLACE_LABELS.values()]
    script = re.compile(r"[\uac00-\ud7a3]" if lang == "ko" else r"[\u4e00-\u9fff]")
    for label in labels:
        translated = texts.gettext(label)
        assert translated != label and script.search(translated), (lang, label)


def test_a_fuzzy_or_missing_catalog_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for lang in USER_LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        text = i18n.catalog_path(lang).read_text("utf-8")
        if lang == "ko":
            text = text.replace('msgid "Back"\n', '#, fuzzy\nmsgid "Back"\n')
        if lang != "zh":
            (target / "messages.po").write_text(text, "utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with pytest.raises(i18n.CatalogError, match="fuzzy"):
            i18n.translations("ko")
        with pytest.raises(i18n.CatalogError, match="missing"):
            i18n.translations("zh")
        assert i18n.translations("en").ugettext("Back") == "Back"
    finally:
        i18n.translations.cache_clear()


HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_each_catalog_is_in_its_own_script(lang: str) -> None:
    """A Korean line in the Chinese catalog (or the reverse) would pass every other check.
    Korean may name a Chinese word in brackets (WeChat's own name), never be in Chinese."""
    path = PROJECT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    wrong = []
    for message in catalog:
        forms = (message.string,) if isinstance(message.string, str) else message.string
        for form in forms:
            text = form or ""
            if lang == "zh" and HANGUL.search(text):
                wrong.append(message.id)
            if lang == "ko" and HAN.search(text) and not HANGUL.search(text):
                wrong.append(message.id)
    assert not wrong, wrong
