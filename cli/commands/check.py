"""``untm check``: terminology QA of a draft, a draft translation, or a bilingual TMX/PO file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli._errors import EXIT_FOUND, handle_errors
from cli._hints import options
from cli.commands.glossary import active_glossary

if TYPE_CHECKING:
    from tm.models import Finding
    from tm.terms import Glossary

__all__ = ["check"]


class FailOn(StrEnum):
    """The lowest severity that makes ``untm check`` exit with code 1."""

    error = "error"
    warning = "warning"


def check(
    draft: Annotated[Path, typer.Argument(help="Draft (.md/.txt/.docx/.pdf), or a .tmx/.po file.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language of DRAFT.")] = None,
    target: Annotated[
        Path | None, typer.Option("--target", help="Translation of DRAFT to check against it.")
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--target-lang", help="Language of the translation.")
    ] = None,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="A glossary file (TBX/CSV/TSV) to use beside the UN one."),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option("--memory", "-m", help="Also the glossaries stored with this memory."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding reaches this severity.")
    ] = FailOn.error,
) -> None:
    """Check official terminology, numbers and consistency; exit 1 when problems are found."""
    from cli import render

    with handle_errors(), options(lang="or pass --lang xx"):
        terms = active_glossary(glossary, memory=memory)
        findings = _findings(draft, lang, target, target_lang, terms)
    if json_:
        render.findings_json(findings)
    else:
        render.check_report(findings, checked=str(target or draft))
    levels = ("error",) if fail_on is FailOn.error else ("error", "warning")
    if any(finding.severity in levels for finding in findings):
        raise typer.Exit(EXIT_FOUND)


def _findings(
    draft: Path, lang: str | None, target: Path | None, target_lang: str | None, terms: Glossary
) -> list[Finding]:
    """Run the check that fits the inputs: a memory file, a pair of documents, or one draft."""
    from tm.check import check_draft, check_translation
    from tm.document import read_document
    from tm.errors import InputError

    if target is not None and _same_file(draft, target):
        raise InputError(f"{target}: --target names DRAFT itself; give the translation's file.")
    suffix = draft.suffix.lower()
    if suffix in (".tmx", ".po", ".pot"):
        if target is not None:
            raise InputError(f"{draft} is bilingual already; drop --target.")
        return _memory_findings(draft, lang, target_lang, terms)
    source = read_document(draft, lang=lang)
    if target is None:
        if target_lang is not None:
            raise InputError("--target-lang needs --target TRANSLATION.")
        return check_draft(source, glossary=terms)
    with options(lang="or pass --target-lang xx"):
        translation = read_document(target, lang=target_lang)
    return check_translation(source, translation, glossary=terms)


def _same_file(a: Path, b: Path) -> bool:
    """True when both paths name one file (through links or different spellings)."""
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _memory_findings(
    path: Path, lang: str | None, target_lang: str | None, terms: Glossary
) -> list[Finding]:
    """Check the units of a TMX or PO file: ``--lang`` is the source, ``--target-lang`` the
    translation (default: the file's source language, and its only other language)."""
    from tm.check import check_units
    from tm.errors import LanguageError
    from tm.lang import base
    from tmx.po import read_po
    from tmx.tmx import read_tmx

    if path.suffix.lower() == ".tmx":
        reader = read_tmx(path)
        units = list(reader)
        declared = reader.header.srclang if reader.header is not None else None
        source = lang or (declared if declared and declared != "*all*" else "en")
    else:
        source = lang or "en"
        with options(lang="with --target-lang xx"):
            units = list(read_po(path, srclang=source, lang=target_lang))
    if target_lang is None:
        others = sorted({base(v.lang) for unit in units for v in unit.variants} - {base(source)})
        if len(others) != 1:
            found = ", ".join(others) or "none"
            raise LanguageError(
                f"{path}: choose the translation's language with --target-lang "
                f"(other languages in the file: {found})"
            )
        target_lang = others[0]
    return check_units(units, src_lang=source, tgt_lang=target_lang, glossary=terms)
