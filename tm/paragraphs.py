"""Where UN paragraphs begin and end, in the six languages: the rules of page-break repair.

A blank line ends a paragraph in the source, and untm keeps the source's paragraphs. Text
converted from PDF also splits a paragraph where a page breaks; :func:`continues` decides
whether two paragraphs are one paragraph split that way. It joins them only on evidence: a
page break between them (page or job number, running header, ``---``, form feed, a new PDF
page) with a next part that continues the sentence (it starts in lower case or with a number
that is no paragraph number), or a first part
that cannot end a paragraph (it ends in an article, preposition or conjunction of its
language, or in a hyphen). It never joins when the first part ends as UN paragraphs do: a
full stop, or the comma, semicolon or colon of preambular paragraphs, operative paragraphs
and list items (``，、；：`` in Chinese, ``، ؛`` in Arabic); nor when the next part opens a
structure of its own (:func:`opens_structure`): a paragraph or list number, a sub-paragraph
letter, a heading number, or a preambular participle ("Recalling", «Rappelant», «Ссылаясь»,
«وإذ تشير», «回顾»...).

>>> continues("... Article 15 of the", "International Covenant ...", "en", page_break=False)
True
>>> continues("Recalling its resolution 70/1,", "recalling also ...", "en", page_break=True)
False
"""

from __future__ import annotations

from functools import cache

import regex

from tm.lang import base

__all__ = ["closes", "continues", "ends_open", "item_start", "numbered", "opens_structure"]

# Paragraph, list and heading numbers as the six languages write them: "1.", "1)", "1.1",
# "1.a", "(a)", "a)", "(i)", "ii)", "I.", "A." (headings), Arabic "1 -", "(أ)", "'1'",
# "ألف -", "أولا -", Chinese "㈠", "（一）", "一、", "第一条", and bullets.
_ITEM = regex.compile(
    r"""^\s*(?:
        [-*+•▪◦⁃–]\s
      | \(?\d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)
      | \d{1,3}\.(?:\d{1,3}|[a-z])(?:\.\d{1,3})*\s
      | \(\d{1,3}\)\s?
      | \d{1,3}\s?[-–]\s
      | \d{1,3}-(?:\d{1,3}|\p{Arabic})\s
      | \((?:[a-z]{1,2}|[ivxlc]{1,6}|[\p{Arabic}]{1,2}|[а-я]{1,2})\)\s?
      | (?:[a-z]|[ivxlc]{1,6}|[а-я])\)\s
      | ['‘’]\d{1,2}['‘’]\s
      | [IVXLC]{1,6}\.\s
      | [A-Z]\.\s
      | (?:ألف|باء|جيم|دال|هاء|واو|زاي|حاء|طاء|ياء|كاف|لام|ميم|نون)\s?[-–]\s
      | (?:أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)ً?\s?[-–]\s
      | [㈠-㈩]
      | [(（][一二三四五六七八九十]{1,3}[)）]
      | [一二三四五六七八九十]{1,3}[、．.]
      | 第[一二三四五六七八九十百零〇\d]{1,5}[条章节款编部分]
    )""",
    regex.VERBOSE,
)

# Numbers that open headings rather than paragraphs: "IV.", "B.", "ثانيا -", "باء -", "二、".
_HEADING_NUMBER = regex.compile(
    r"""^\s*(?:
        [IVXLC]{1,6}\.\s
      | [A-Z]\.\s
      | (?:ألف|باء|جيم|دال|هاء|واو|زاي|حاء|طاء|ياء|كاف|لام|ميم|نون)\s?[-–]\s
      | (?:أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا)ً?\s?[-–]\s
      | [(（][一二三四五六七八九十]{1,3}[)）]
      | [一二三四五六七八九十]{1,3}[、．.]
      | 第[一二三四五六七八九十百零〇\d]{1,5}[条章节款编部分]
    )""",
    regex.VERBOSE,
)

# Openers of preambular paragraphs (and the "Whereas" of declarations), any case: Russian
# writes every preambular paragraph after the first in lower case.
_PARTICIPLES = {
    "en": (
        "recalling reaffirming reiterating noting taking note welcoming considering whereas "
        "recognizing recognising acknowledging bearing in mind mindful emphasizing "
        "emphasising stressing underlining expressing guided by convinced concerned deeply "
        "alarmed aware conscious determined desiring affirming believing commending "
        "deploring regretting appreciating observing having further also now therefore"
    ),
    "fr": (
        "rappelant réaffirmant réitérant notant prenant note se félicitant considérant "
        "reconnaissant ayant gardant sachant soulignant insistant exprimant guidée guidé "
        "convaincue convaincu préoccupée préoccupé profondément alarmée consciente "
        "déterminée désireuse affirmant constatant saluant tenant accueillant rappelant "
        "consciente vivement"
    ),
    "es": (
        "recordando reafirmando reiterando observando tomando acogiendo considerando "
        "reconociendo teniendo destacando subrayando expresando guiada convencida "
        "preocupada profundamente alarmada consciente decidida deseosa afirmando "
        "poniendo habiendo"
    ),
    "ru": (
        "ссылаясь подтверждая вновь отмечая принимая приветствуя учитывая признавая "
        "памятуя подчеркивая выражая руководствуясь будучи сознавая желая констатируя "
        "напоминая высоко рассмотрев испытывая"
    ),
}


@cache
def _participle_word(code: str) -> regex.Pattern[str] | None:
    """The participles of language ``code`` as one pattern, compiled on first use (a
    process reads documents in one or two of the languages)."""
    words = _PARTICIPLES.get(code)
    if words is None:
        return None
    alternatives = "|".join(sorted(set(words.split()), key=len, reverse=True))
    return regex.compile(rf"^\W*(?:{alternatives})\b", regex.I)


# Only Russian opens preambular paragraphs in lower case; elsewhere a lower-case "noting"
# continues a sentence.
_LOWER_PARTICIPLES = frozenset({"ru"})
# Arabic preambular paragraphs open with "وإذ" / "إذ" + verb, declarations with "لما كان".
_ARABIC_OPENER = regex.compile(r"^\W*(?:و?إذ\s|و?لما\s|ولمّا\s|لمّا\s|إن\s+الجمعية)")
_CHINESE_OPENER = regex.compile(
    r"^\W*(?:又|还|并|也)?(?:回顾|重申|注意到|欢迎|考虑到|鉴于|认识到|确认|铭记|强调|着重指出|表示|"
    r"遵循|深信|关切|深为关切|震惊|意识到|决心|希望|申明|赞赏|审议了|念及|承认|深感)"
)

# A part that ends so cannot end a paragraph: an article, preposition or conjunction of its
# language, or a hyphen (a word cut at the line or page end).
_OPEN_WORDS = {
    "en": (
        "the a an of to in on at by for with from into upon onto and or nor but as than "
        "between among under over against through within without towards toward regarding "
        "concerning including such per via its their his her our this these those whose"
    ),
    "fr": (
        "le la les l un une des du de d au aux à et ou ni mais que qu qui dont en dans sur "
        "sous par pour avec sans entre vers chez contre selon son sa ses leur leurs ce cet "
        "cette ces notamment"
    ),
    "es": (
        "el la los las un una unos unas del al de a en con por para sin sobre entre hacia "
        "hasta desde y e o u ni pero que cuyo cuya su sus este esta estos estas"
    ),
    "ru": (
        "и в во на по с со к ко о об обо от до из за для при без над под между или а но "
        "что чтобы также как"
    ),
    "ar": "في من إلى على عن مع و أو ثم حتى بين لدى ضد نحو الذي التي الذين اللذين بشأن",
}
# Arabic writes "and" and "so" as prefixes: "وإلى", "وفي", "فمن".
_PREFIXES = {"ar": "[وف]?"}


@cache
def _open_word(code: str) -> regex.Pattern[str] | None:
    """The open words of language ``code`` as one pattern, compiled on first use."""
    words = _OPEN_WORDS.get(code)
    if words is None:
        return None
    alternatives = "|".join(sorted(set(words.split()), key=len, reverse=True))
    return regex.compile(rf"(?:^|[\s'’(«]){_PREFIXES.get(code, '')}(?:{alternatives})$", regex.I)


_CHINESE_OPEN = regex.compile(
    r"(?:的|和|与|及|以及|或|或者|在|对|将|把|被|为|从|向|于|按照|根据|关于|同)$"
)
_HYPHEN = regex.compile(r"\p{L}[-‐]$")

# Ends of a paragraph: a full stop (any script), or the comma, semicolon or colon with which
# preambular paragraphs, operative paragraphs and list items end; closing quotes and brackets
# may follow.
_CLOSED = regex.compile(r"[.!?…:;,。！？：；，、؛،؟۔][\"'’”»)）\]】」』*_]*$")
# Scripts without letter case, and the length up to which a part without a stop may be a title.
_UNCASED = {"zh": 40, "ar": 100}
_STARTS_LOWER = regex.compile(r"^[\"'‘“«(]*\p{Ll}")
# A next part that continues a sentence: lower case, or a number that is no paragraph number
# ("... supported" / "14 countries ...").
_CONTINUATION = regex.compile(r"^[\"'‘“«(]*[\p{Ll}\p{N}]")


def item_start(line: str) -> bool:
    """True when ``line`` opens with a paragraph, list or heading number, or a bullet."""
    return _ITEM.match(line) is not None


def numbered(text: str) -> bool:
    """True when ``text`` opens with a paragraph or list number or a bullet (not a heading's)."""
    return item_start(text) and _HEADING_NUMBER.match(text) is None


def opens_structure(text: str, lang: str) -> bool:
    """True when ``text`` opens a paragraph of its own: a number, letter or participle."""
    if item_start(text):
        return True
    code = base(lang)
    if code == "ar":
        return _ARABIC_OPENER.match(text) is not None
    if code == "zh":
        return _CHINESE_OPENER.match(text) is not None
    pattern = _participle_word(code)
    if pattern is None or (code not in _LOWER_PARTICIPLES and _STARTS_LOWER.match(text)):
        return False
    return pattern.match(text) is not None


def closes(text: str) -> bool:
    """True when ``text`` ends as a paragraph may end (stop, comma, semicolon or colon)."""
    return _CLOSED.search(text.rstrip()) is not None


def ends_open(text: str, lang: str) -> bool:
    """True when ``text`` ends in a word that cannot end a paragraph, or in a hyphen."""
    text = text.rstrip()
    if _HYPHEN.search(text):
        return True
    code = base(lang)
    if code == "zh":
        return _CHINESE_OPEN.search(text) is not None
    pattern = _open_word(code)
    return pattern is not None and pattern.search(text) is not None


def continues(first: str, second: str, lang: str, *, page_break: bool) -> bool:
    """True when ``second`` continues the paragraph ``first`` (a page broke it in two).

    ``page_break`` says whether a page break was seen between them (page or job number,
    running header, ``---``, form feed, a new PDF page).
    """
    if closes(first) or opens_structure(second, lang):
        return False
    if ends_open(first, lang):
        return True
    if not page_break:
        return False
    if base(lang) in _UNCASED:
        # no letter case to tell a continuation: the break decides, unless the first part is
        # as short as a title (UN typesetting keeps a title with the paragraph after it)
        return len(first) > _UNCASED[base(lang)]
    return _CONTINUATION.match(second) is not None
