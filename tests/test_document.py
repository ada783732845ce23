"""Document intake: the letter's six versions, conversion repairs, Word and PDF files, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.document import parse_text, read_document
from tm.errors import FormatError, InputError, LanguageError
from tm.segment import segment_document

LANGS = ("en", "ar", "es", "fr", "ru", "zh")


def _letter(shared_data: Path, lang: str) -> Path:
    folder = shared_data / "letter"
    return folder / f"letter.{lang}.md" if lang == "en" else folder / lang / f"letter.{lang}.md"


# --- the letter -------------------------------------------------------------------------------


def test_all_versions_have_the_same_paragraph_structure(shared_data: Path) -> None:
    """The aligner pairs paragraphs first: every version must give the same paragraphs."""
    docs = {lang: read_document(_letter(shared_data, lang)) for lang in LANGS}
    kinds = {lang: [p.kind for p in doc.paragraphs] for lang, doc in docs.items()}
    # 60 paragraphs: the count in en.sentences.tsv and every <lang>/sentences.tsv.
    assert all(len(k) == 60 for k in kinds.values())
    assert all(k == kinds["en"] for k in kinds.values())
    assert {doc.lang for doc in docs.values()} == set(LANGS)


def test_letter_repairs_and_kinds(shared_data: Path) -> None:
    doc = read_document(_letter(shared_data, "en"))
    paras = doc.paragraphs
    assert paras[0] == paras[0].__class__(0, "header", "General Assembly Security Council")
    assert paras[1].kind == "header"
    assert paras[1].text == "Distr.: General\n13 September 2023"
    assert paras[3].kind == "heading"
    assert paras[3].text == "General Assembly Seventy-eighth session"  # wrapped bold lines
    assert paras[15].kind == "signature"
    assert paras[15].text == "(Signed) Yashar T. Aliyev\nAmbassador\nPermanent Representative"
    # The page break inside "... Article 15 of the" / "International Covenant ..." is joined.
    joined = [p for p in paras if "Article 15 of the International Covenant" in p.text]
    assert len(joined) == 1
    assert joined[0].kind == "body"
    assert paras[53].kind == "list_item"
    assert paras[53].text.count("\n") == 3
    assert paras[-1].text == "(Signed) Dr. Aziz Alakbarov\nChairman of the Board"  # no "---"
    assert not any("*" in p.text or "#" in p.text for p in paras)


def test_chinese_wrapped_lines_join_without_space(shared_data: Path) -> None:
    doc = read_document(_letter(shared_data, "zh"))
    assert doc.paragraphs[3].text == "大会第七十八届会议"
    assert doc.paragraphs[15].text.startswith("亚沙尔·T·阿利耶夫（签名）\n")


# --- repairs of converted text ----------------------------------------------------------------

_CONVERTED = """\
A/78/367

Distr.: General
13 September 2023

## Letter dated 12 September 2023

The first paragraph wraps over
two lines of the PDF.

This paragraph is long enough to have been split by a page break in the middle of the
sentence about Article 15 of the

23-17645 (E) 150923

*2317645*

Please recycle ♲

2/5

A/78/367

International Covenant on Economic, Social and Cultural Rights. It goes on.

- First item
- Second item

---
"""


def test_conversion_noise_is_removed_and_page_break_joined() -> None:
    doc = parse_text(_CONVERTED, "en", source="converted.en.md")
    texts = [p.text for p in doc.paragraphs]
    assert texts == [
        "A/78/367",
        "Distr.: General\n13 September 2023",
        "Letter dated 12 September 2023",
        "The first paragraph wraps over two lines of the PDF.",
        "This paragraph is long enough to have been split by a page break in the middle of the "
        "sentence about Article 15 of the International Covenant on Economic, Social and "
        "Cultural Rights. It goes on.",
        "First item\nSecond item",
    ]
    assert [p.kind for p in doc.paragraphs] == [
        "header",
        "header",
        "heading",
        "body",
        "body",
        "list_item",
    ]
    assert [p.index for p in doc.paragraphs] == list(range(6))


def test_numbered_paragraphs_keep_their_numbers() -> None:
    text = (
        "1. The Committee met on 5 May. It adopted its agenda.\n\n"
        "(a) To take note of the report;\n(b) To adopt it.\n\n"
        "- First bullet\n- Second bullet"
    )
    doc = parse_text(text, "en")
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        ("body", "1. The Committee met on 5 May. It adopted its agenda."),
        ("list_item", "(a) To take note of the report;\n(b) To adopt it."),
        ("list_item", "First bullet\nSecond bullet"),
    ]
    assert [s.text for s in segment_document(doc)] == [
        "1. The Committee met on 5 May.",
        "It adopted its agenda.",
        "(a) To take note of the report;",
        "(b) To adopt it.",
        "First bullet",
        "Second bullet",
    ]


def test_emphasis_marks_removed() -> None:
    doc = parse_text("It is **very** *important* and __clear__.\n\n*Right to life*", "en")
    assert doc.paragraphs[0].text == "It is very important and clear."
    escaped = parse_text("Section 1.\n\n2\\. The \\*starred\\* text is **bold**.", "en")
    assert escaped.paragraphs[1].text == "2. The *starred* text is bold."
    assert (doc.paragraphs[1].kind, doc.paragraphs[1].text) == ("heading", "Right to life")


def test_language_from_argument_wins(tmp_path: Path) -> None:
    path = tmp_path / "note.fr.txt"
    path.write_text("Bonjour. Au revoir.", encoding="utf-8")
    assert read_document(path).lang == "fr"
    assert read_document(path, lang="en-GB").lang == "en-GB"


# --- Word and PDF -----------------------------------------------------------------------------


def test_docx_styles_become_kinds(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "A/78/367"
    header.cell(0, 1).text = "Distr.: General"
    header.cell(0, 1).add_paragraph("13 September 2023")
    document.add_heading("Right to nationality", level=2)
    document.add_paragraph("Everyone has the right to a nationality. No one shall lose it.")
    document.add_paragraph("First measure", style="List Bullet")
    document.add_paragraph("Second measure", style="List Bullet")
    signed = document.add_paragraph("(Signed) Yashar T. Aliyev")
    signed.add_run().add_break()
    signed.add_run("Ambassador")
    path = tmp_path / "memo.en.docx"
    document.save(str(path))

    doc = read_document(path)
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        ("header", "A/78/367"),
        ("header", "Distr.: General"),
        ("header", "13 September 2023"),
        ("heading", "Right to nationality"),
        ("body", "Everyone has the right to a nationality. No one shall lose it."),
        ("list_item", "First measure"),
        ("list_item", "Second measure"),
        ("signature", "(Signed) Yashar T. Aliyev\nAmbassador"),
    ]
    assert [s.text for s in segment_document(doc)][4:6] == [
        "Everyone has the right to a nationality.",
        "No one shall lose it.",
    ]


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one Helvetica text line per string (enough for pypdf)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    font = 3 + 2 * len(pages)
    for i, lines in enumerate(pages):
        body = " ".join(f"({line}) Tj T*" for line in lines)
        stream = f"BT /F1 10 Tf 14 TL 50 750 Td {body} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _pdf_file(objects)


def _pdf_file(objects: list[str]) -> bytes:
    """A PDF file of numbered objects (the first is the catalogue) with its cross-reference."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_is_repaired(tmp_path: Path) -> None:
    page1 = [
        "Right to return",
        "Armenia prevents the return of expelled Azerbaijanis to their homes, which",
        "encroaches upon their fundamental right to return in safety. It is recognized",
        "in Article 13 of the Universal Declaration of Human Rights and Article 12 of the",
        "23-17645 (E)",
        "Please recycle",
    ]
    page2 = [
        "A/78/367",
        "International Covenant on Civil and Political Rights and in other instruments",
        "of international human rights law that Armenia has ratified.",
        "2",
    ]
    path = tmp_path / "letter.en.pdf"
    path.write_bytes(_pdf([page1, page2]))
    doc = read_document(path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Right to return"
    assert texts[-1].endswith(
        "Article 12 of the International Covenant on Civil and Political "
        "Rights and in other instruments of international human rights "
        "law that Armenia has ratified."
    )
    assert not any("recycle" in t or "23-17645" in t for t in texts)


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- bad input --------------------------------------------------------------------------------


def test_no_language_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "letter.md"
    path.write_text("Text.", encoding="utf-8")
    with pytest.raises(LanguageError, match="cannot tell the language"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.en.md", b"", InputError, "empty"),
        ("blank.en.txt", b"  \n\n ", InputError, "empty"),
        ("noise.en.md", b"---\n\n12\n", InputError, "no text"),
        ("binary.en.md", b"\x00\x01\x02PK\x00\xff", InputError, "binary"),
        ("latin1.en.txt", "Caf\u00e9.".encode("latin-1"), InputError, "not UTF-8"),
        ("broken.en.docx", b"PK\x03\x04 this is not a zip", FormatError, "Word document"),
        ("broken.en.pdf", b"%PDF-1.4\n garbage", FormatError, "PDF"),
        ("sheet.en.docx", _zip({"xl/workbook.xml": "<workbook/>"}), FormatError, "Word document"),
        ("sheet.en.xlsx", b"data", InputError, "unsupported file type"),
    ],
)
def test_bad_files(
    tmp_path: Path, name: str, content: bytes, error: type[Exception], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        read_document(path)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.en.pdf"
    path.write_bytes(_pdf([[]]))
    with pytest.raises(InputError, match="no text layer"):
        read_document(path)


# --- paragraphs are the source's: page-break repair only on evidence ----------------------------

_PAGE_BREAK = "\n\n23-17645 (E)\n\n2/5\n\n"


def _texts(text: str, lang: str = "en") -> list[str]:
    return [p.text for p in parse_text(text, lang).paragraphs]


def test_sdg_like_titles_and_targets_stay_paragraphs() -> None:
    title = (
        "Transforming our world: goals and targets for safe drinking water and sanitation in "
        "rural communities by the year 2030"
    )
    targets = [f"1.{n} By 2030, achieve target {n} for every rural community" for n in range(1, 60)]
    text = "\n\n".join([title, "Goal 1. Ensure water for all", *targets, "1.a Expand cooperation"])
    doc = parse_text(text, "en")
    assert [p.text for p in doc.paragraphs] == [
        title,
        "Goal 1. Ensure water for all",
        *targets,
        "1.a Expand cooperation",
    ]
    assert [p.kind for p in doc.paragraphs[:3]] == ["heading", "heading", "body"]
    assert max(len(s.text) for s in segment_document(doc)) < 120


def test_a_draft_of_one_sentence_per_paragraph_is_never_merged() -> None:
    sentences = [
        "The Committee met in Geneva",
        "It adopted its agenda without a vote",
        "the report was introduced by the Chair",
        "Delegations welcomed the report.",
    ]
    assert _texts("\n\n".join(sentences)) == sentences


@pytest.mark.parametrize(
    ("lang", "first", "second"),
    [
        ("en", "Recalling its resolution 70/1 of 25 September 2015,", "Noting with concern that"),
        ("en", "The Council will consider the matter at", "Reaffirming its commitment"),
        ("fr", "Rappelant sa résolution 70/1 du 25 septembre 2015,", "Notant avec préoccupation"),
        ("fr", "Le Conseil examinera la question à sa session de", "Réaffirmant son engagement"),
        ("es", "Recordando su resolución 70/1, de 25 de septiembre de 2015,", "Observando con"),
        ("es", "El Consejo examinará la cuestión en su período de", "Reafirmando su compromiso"),
        (
            "ru",
            "ссылаясь на свою резолюцию 70/1 от 25 сентября 2015 года,",
            "отмечая с озабоченностью",
        ),
        ("ru", "Совет рассмотрит этот вопрос на своей сессии в", "вновь подтверждая"),
        ("ar", "إذ تشير إلى قرارها 70/1 المؤرخ 25 أيلول/سبتمبر 2015،", "وإذ تلاحظ مع القلق"),
        ("ar", "وسينظر المجلس في المسألة في", "وإذ تؤكد من جديد التزامها"),
        ("zh", "回顾其2015年9月25日第70/1号决议，", "关切地注意到"),
        ("zh", "安理会将在下届会议上审议的", "重申其承诺"),
        (
            "en",
            "The Council will consider the matter at",
            "(a) The report of the Secretary-General;",
        ),
        ("en", "2. Encourages Member States:", "(a) To map the water sources;"),
        ("ar", "2 - تشجع الدول الأعضاء على ما يلي:", "(أ) تحديد مصادر المياه؛"),
        ("zh", "2. 鼓励会员国：", "(a) 绘制水源分布图；"),
        ("ru", "вновь подтверждая обязательство", "a) составить карту источников воды;"),
        ("en", "Goal 1. End poverty of the", "1.1 By 2030, eradicate extreme poverty"),
    ],
)
def test_never_joined_after_a_clause_end_or_before_a_structure(
    lang: str, first: str, second: str
) -> None:
    """Across a page break, a preambular paragraph, a numbered or lettered paragraph and a
    participle each stay a paragraph of their own, whatever the first part ends with."""
    assert len(_texts(first + _PAGE_BREAK + second, lang)) == 2


@pytest.mark.parametrize(
    ("lang", "first", "second", "joined"),
    [
        ("en", "It recalled Article 15 of the", "International Covenant.", " "),
        ("fr", "Il a rappelé l'article 15 du Pacte et de la", "Déclaration universelle.", " "),
        ("es", "Recordó el artículo 15 del Pacto y de la", "Declaración Universal.", " "),
        ("ru", "Он сослался на статью 15 Пакта и на", "Всеобщую декларацию.", " "),
        ("ar", "وأشار إلى المادة 15 من العهد وإلى", "الإعلان العالمي.", " "),
        ("zh", "它回顾了公约第15条和", "世界人权宣言。", ""),
        ("en", "The programme supports co-", "operation among States.", ""),
    ],
)
def test_a_part_that_cannot_end_a_paragraph_is_joined(
    lang: str, first: str, second: str, joined: str
) -> None:
    assert _texts(f"{first}\n\n{second}", lang) == [first + joined + second]


def test_a_page_break_joins_a_continuation_only() -> None:
    first = "The Committee decided that the next session would be held in Geneva and would"
    assert _texts(first + _PAGE_BREAK + "last three weeks.") == [first + " last three weeks."]
    assert _texts(first + "\f" + "last three weeks.") == [first + " last three weeks."]
    assert _texts(first + _PAGE_BREAK + "15 days.") == [first + " 15 days."]
    assert len(_texts(first + _PAGE_BREAK + "15. The Committee adopted its report.")) == 2
    assert _texts(first + "\n\n---\n\nlast three weeks.") == [first + " last three weeks."]
    # no page break: two paragraphs, as the source has them
    assert _texts(first + "\n\nlast three weeks.") == [first, "last three weeks."]
    # a page break before a capital: a new paragraph (a title without a stop ends the page)
    assert len(_texts(first + _PAGE_BREAK + "Last three weeks.")) == 2


def test_footnotes_leave_the_running_text() -> None:
    text = (
        "The Office supported 14 countries in preparing national strategies for the\n\n"
        "__________________\n"
        "1 The countries are listed in annex I to the present\n"
        "report.\n"
        "2 See A/78/100.\n\n"
        "23-17645\n\n"
        "supply of water to rural communities.[^3] Most support was remote.\n\n"
        "[^3]: Markdown footnote text.\n"
    )
    doc = parse_text(text, "en")
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        (
            "body",
            "The Office supported 14 countries in preparing national strategies for the supply "
            "of water to rural communities. Most support was remote.",
        ),
        ("footnote", "1 The countries are listed in annex I to the present report."),
        ("footnote", "2 See A/78/100."),
        ("footnote", "3 Markdown footnote text."),
    ]


def test_pipe_table_cells_are_units() -> None:
    text = "| Region | 2023 |\n|:---|---:|\n| **Africa** | 12 |\n| Asia \\| Pacific | |"
    doc = parse_text(text, "en")
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        ("table", "Region\n2023\nAfrica\n12\nAsia | Pacific")
    ]


def test_wrapped_sub_paragraphs_of_one_block_stay_apart() -> None:
    text = (
        "2. Encourages Member States:\n(a) To map the water sources used by rural\n"
        "households;\n(b) To involve local communities, in particular women, in\n"
        "the planning of water facilities;"
    )
    assert _texts(text) == [
        "2. Encourages Member States:\n(a) To map the water sources used by rural households;\n"
        "(b) To involve local communities, in particular women, in the planning of water "
        "facilities;"
    ]


def _numbered_docx(path: Path) -> None:
    """A Word resolution whose operative paragraphs and sub-paragraphs Word numbers itself:
    level 0 "%1." (decimal), level 1 "(%2)" (lowerLetter), level 2 "(%3)" (lowerRoman)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(
            [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)")]
        )
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    document.add_paragraph("The General Assembly,")
    document.add_paragraph("Recalling its resolution 64/292,")
    for level, text in [
        (0, "Calls upon Member States to act;"),
        (0, "Encourages Member States:"),
        (1, "To map the water sources;"),
        (1, "To mobilize resources, including through:"),
        (2, "Domestic public funding;"),
        (2, "International cooperation;"),
        (0, "Decides to remain seized of the matter."),
    ]:
        para = document.add_paragraph(text)
        para._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )
    document.add_paragraph("First point", style="List Number")
    document.add_paragraph("Second point", style="List Number")
    document.save(str(path))


def test_docx_list_numbering_is_rendered_as_text(tmp_path: Path) -> None:
    path = tmp_path / "resolution.en.docx"
    _numbered_docx(path)
    doc = read_document(path)
    assert [p.text for p in doc.paragraphs] == [
        "The General Assembly,",
        "Recalling its resolution 64/292,",
        "1. Calls upon Member States to act;",
        "2. Encourages Member States:",
        "(a) To map the water sources;",
        "(b) To mobilize resources, including through:",
        "(i) Domestic public funding;",
        "(ii) International cooperation;",
        "3. Decides to remain seized of the matter.",
        "1. First point",
        "2. Second point",
    ]
    assert [s.text for s in segment_document(doc)][2] == "1. Calls upon Member States to act;"


def test_word_number_formats() -> None:
    from tm.numbering import render

    assert [render(n, "lowerLetter") for n in (1, 26, 27)] == ["a", "z", "aa"]
    assert [render(n, "upperRoman") for n in (4, 9, 14, 40)] == ["IV", "IX", "XIV", "XL"]
    assert [render(n, "arabicAbjad") for n in (1, 2, 3)] == ["أ", "ب", "ج"]
    assert [render(n, "chineseCounting") for n in (1, 10, 11, 20, 35)] == [
        "一",
        "十",
        "十一",
        "二十",
        "三十五",
    ]
    assert render(2, "ideographEnclosedCircle") == "㈡"
    assert render(7, "decimal") == "7"


def _pdf_laid_out(lines: list[tuple[float, float, str]]) -> bytes:
    """A one-page PDF with each line placed at (x, y), as a typeset document lays it out."""
    body = " ".join(f"1 0 0 1 {x} {y} Tm ({text}) Tj" for x, y, text in lines)
    stream = f"BT /F1 10 Tf {body} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_file(objects)


def test_pdf_paragraphs_come_from_vertical_gaps_and_indents(tmp_path: Path) -> None:
    """Full-width last lines give no hint; the gap and the first-line indent do."""
    lines = [
        (72, 700, "1. The Committee met in Geneva from 5 to 9 May and adopted its agenda"),
        (72, 686, "and the programme of work proposed by the Chair without a vote, as usual."),
        (72, 660, "2. The Committee elected its officers for the coming two years by consensus"),
        (72, 646, "and thanked the outgoing Bureau for its work during the previous period."),
        (90, 632, "The Committee also heard a statement by the representative of the Office"),
        (72, 618, "of the United Nations High Commissioner for Human Rights on the session."),
    ]
    path = tmp_path / "report.en.pdf"
    path.write_bytes(_pdf_laid_out(lines))
    texts = [p.text for p in read_document(path).paragraphs]
    assert len(texts) == 3
    assert texts[0].startswith("1. The Committee met")
    assert texts[0].endswith("as usual.")
    assert texts[1].startswith("2. The Committee elected")
    assert texts[2].startswith("The Committee also heard")


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("en", ["The General Assembly,", "Recalling its resolution 70/1,", "Noting the report,"]),
        (
            "ru",
            [
                "Генеральная Ассамблея,",
                "ссылаясь на резолюцию 70/1,",
                "принимая во внимание доклад,",
            ],
        ),
        ("ar", ["إن الجمعية العامة،", "إذ تشير إلى قرارها 70/1،", "وإذ تحيط علما بالتقرير،"]),
        ("zh", ["大会，", "回顾其第70/1号决议，", "注意到报告，"]),
    ],
)
def test_a_resolution_without_blank_lines_keeps_its_paragraphs_apart(
    lang: str, lines: list[str]
) -> None:
    """Converted text sometimes has no blank lines: a participle after a comma still opens a
    paragraph, and the operative paragraph keeps its number."""
    operative = {"ar": "1 - تقرر أن تبقي المسألة قيد نظرها.", "zh": "1. 决定继续处理此案。"}.get(
        lang, "1. Decides to remain seized of the matter."
    )
    (paragraph,) = parse_text("\n".join([*lines, operative]), lang).paragraphs
    assert paragraph.text.split("\n") == [*lines, operative]
    segments = segment_document(parse_text("\n".join([*lines, operative]), lang))
    assert [s.text for s in segments] == [*lines, operative]


def _with_footnotes(path: Path, notes: list[str]) -> None:
    """Add Word footnotes (a separator and ``notes``) to a saved .docx, with a reference run
    after the first paragraph's text, as Word writes them."""
    import zipfile

    word = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    footnotes = (
        f"<w:footnotes {word}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        + "".join(
            f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p></w:footnote>'
            for i, note in enumerate(notes, 1)
        )
        + "</w:footnotes>"
    )
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["word/footnotes.xml"] = footnotes.encode()
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    files["word/document.xml"] = files["word/document.xml"].replace(
        b"</w:t></w:r></w:p>",
        b'</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
        1,
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_docx_footnotes_are_paragraphs_of_their_own(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("The Office supported 14 countries. Most support was remote.")
    document.add_paragraph("It will report again next year.")
    path = tmp_path / "report.en.docx"
    document.save(str(path))
    _with_footnotes(path, ["The countries are listed in annex I.", "See A/78/100."])
    doc = read_document(path)
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        ("body", "The Office supported 14 countries. Most support was remote."),
        ("body", "It will report again next year."),
        ("footnote", "1 The countries are listed in annex I."),
        ("footnote", "2 See A/78/100."),
    ]


def test_a_masthead_under_united_nations_keeps_its_lines() -> None:
    """Converted UN documents often open with "United Nations" before the symbol."""
    text = "United Nations\n\nA/78/367\n\nDistr.: General  \n13 September 2023\n\nThe text."
    assert [(p.kind, p.text) for p in parse_text(text, "en").paragraphs] == [
        ("header", "United Nations"),
        ("header", "A/78/367"),
        ("header", "Distr.: General\n13 September 2023"),
        ("body", "The text."),
    ]
