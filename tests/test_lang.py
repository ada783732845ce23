"""Language tags: English is English whatever the case or region; file names carry the language."""

from __future__ import annotations

import pytest

from tm.anchors import script_of
from tm.errors import LanguageError
from tm.lang import base, from_filename, normalize, same_language, script_for


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("EN-us", "en-US"),
        ("en_US", "en-US"),
        ("zh-hans-cn", "zh-Hans-CN"),
        ("ar", "ar"),
        (" fr-ca ", "fr-CA"),
        ("es-419", "es-419"),
    ],
)
def test_normalize(tag: str, expected: str) -> None:
    assert normalize(tag) == expected


@pytest.mark.parametrize("tag", ["", "e", "english language", "12", "en--US", "*all*"])
def test_normalize_rejects_non_tags(tag: str) -> None:
    with pytest.raises(LanguageError, match="not a language code"):
        normalize(tag)


def test_english_in_every_spelling_is_english() -> None:
    assert {base(t) for t in ("en", "en-US", "EN-us", "en_GB")} == {"en"}
    assert same_language("EN-us", "en")
    assert not same_language("en", "fr")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("letter.fr.md", "fr"),
        ("dir.x/letter.zh.md", "zh"),
        ("a.en-US.txt", "en-US"),
        ("letter.md", None),
        ("notes.txt", None),
        ("report.final.docx", None),
    ],
)
def test_from_filename(name: str, expected: str | None) -> None:
    assert from_filename(name) == expected


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        ("en", "Universal Declaration"),
        ("ru", "Всеобщая декларация"),
        ("ar-EG", "الإعلان العالمي"),
        ("zh-Hans", "世界人权宣言"),
    ],
)
def test_script_for_names_scripts_as_script_of_reads_them(tag: str, text: str) -> None:
    assert script_for(tag) == script_of(text)
