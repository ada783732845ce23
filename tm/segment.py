"""Sentence segmentation with SRX 2.0 rules, the way CAT tools (OmegaT, Okapi, Trados) do it.

An SRX file holds named rule lists (``<languagerule>``) and a map from language patterns to
those lists (``<maprules>``). At every position of a text, the rules of the language are tried
in order; the first rule whose ``<beforebreak>`` matches the text ending there and whose
``<afterbreak>`` matches the text starting there decides: break (``break="yes"``) or not.
With ``cascade="yes"`` the rule lists of every matching language pattern are tried one after
the other, otherwise only the first matching one.

The rules are Java regular expressions; :func:`java_to_python` rewrites the few Java-only
constructs for the ``regex`` module, which already understands ``\\p{Lu}``, possessive
quantifiers and atomic groups. Speed comes from one combined pattern per rule list that finds
the candidate breaks in a single scan, and from merging neighbouring rules with the same
decision into one alternation.

A ``"\\n"`` in the text always ends a segment: header lines and signature lines of a document
(see :mod:`tm.document`) are units of their own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex
from lxml import etree

from tm._xml import safe_parser, syntax_error
from tm.errors import LanguageError, RulesError, quoted
from tm.lang import UN_LANGUAGES, base, normalize
from tm.models import Document, Segment

__all__ = [
    "Rule",
    "Segmenter",
    "SrxRules",
    "java_to_python",
    "load_srx",
    "parse_srx",
    "segment",
    "segment_document",
    "segment_file",
    "shipped_srx",
]

_SHIPPED = "untm.srx"
#: Languages our shipped rules are written for, the six UN languages; other languages need
#: the caller's own SRX file.
_SHIPPED_LANGS = frozenset(UN_LANGUAGES)


@dataclass(frozen=True, slots=True)
class Rule:
    """One SRX rule: break (or not) where ``before`` ends and ``after`` starts (Python regex)."""

    brk: bool
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SrxRules:
    """The content of an SRX 2.0 file.

    ``languagerules`` maps a rule-list name to its rules; ``maps`` lists (language pattern,
    rule-list name) pairs in file order; ``cascade`` says whether every matching pattern
    contributes its rules or only the first. Patterns must match the whole language code,
    ignoring case (OmegaT writes ``EN.*``, language tags are case-insensitive).
    """

    cascade: bool
    languagerules: dict[str, tuple[Rule, ...]]
    maps: tuple[tuple[str, str], ...]
    source: str | None = None

    def rules_for(self, lang: str) -> tuple[Rule, ...]:
        """The ordered rules that apply to ``lang`` (an empty tuple when no pattern matches)."""
        rules: list[Rule] = []
        for pattern, name in self.maps:
            if regex.fullmatch(pattern, lang, regex.IGNORECASE) is None:
                continue
            rules.extend(self.languagerules[name])
            if not self.cascade:
                break
        return tuple(rules)

    def matches(self, lang: str) -> bool:
        """True when some language pattern of the file matches ``lang``."""
        return any(
            regex.fullmatch(pattern, lang, regex.IGNORECASE) is not None for pattern, _ in self.maps
        )


# --- Java regular expressions -> regex --------------------------------------------------------

_JAVA_CLASSES = {
    "h": r"[ \t\xA0\u1680\u180E\u2000-\u200A\u202F\u205F\u3000]",
    "v": r"[\n\x0B\f\r\x85\u2028\u2029]",
    "R": r"(?:\r\n|[\n\x0B\f\r\x85\u2028\u2029])",
}
_JAVA_PROPS = {
    "javaLowerCase": "Ll",
    "javaUpperCase": "Lu",
    "javaWhitespace": "White_Space",
    "javaLetter": "L",
    "javaDigit": "Nd",
    "javaLetterOrDigit": "Alnum",
    "javaAlphabetic": "Alphabetic",
    "IsAlphabetic": "Alphabetic",
    "IsLetter": "L",
    "IsDigit": "Nd",
    "IsUppercase": "Uppercase",
    "IsLowercase": "Lowercase",
    "IsWhite_Space": "White_Space",
    "IsPunctuation": "P",
    "Lower": "Ll",
    "Upper": "Lu",
    "Alpha": "Alphabetic",
    "Digit": "Nd",
    "Alnum": "Alnum",
    "Punct": "P",
    "Space": "White_Space",
}


def java_to_python(pattern: str) -> str:
    """Rewrite a Java regular expression for the ``regex`` module.

    Handles ``\\Q...\\E`` quoting, ``\\h``/``\\v``/``\\R``, ``\\x{...}``, Java
    property names such as ``\\p{javaLowerCase}`` and ``\\p{IsAlphabetic}``, class union and
    intersection (``[a-z&&[^aeiou]]``), and inline flags, which Java scopes to the enclosing
    group (``(?U)``, Unicode classes, is dropped: the ``regex`` module's classes are Unicode
    already). Possessive quantifiers and atomic groups need no change.

    >>> java_to_python(r"\\Qe.g.\\E\\h")
    'e\\\\.g\\\\.[ \\\\t\\\\xA0\\\\u1680\\\\u180E\\\\u2000-\\\\u200A\\\\u202F\\\\u205F\\\\u3000]'
    >>> java_to_python("[a-z&&[^aeiou]]")
    '(?:(?=[^aeiou])[a-z])'
    """
    return _Translator(pattern).run()


_FLAGS = regex.compile(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?([):])")


class _Translator:
    """One pass over a Java pattern; classes are translated recursively."""

    __slots__ = ("i", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.i = 0

    def run(self) -> str:
        pattern = self.pattern
        out: list[str] = []
        # One frame per open group: the scoped flag groups opened for inline flags inside it,
        # closed before each "|" and at the end of the group (Java's scope for "(?i)").
        frames: list[list[str]] = [[]]
        while self.i < len(pattern):
            ch = pattern[self.i]
            if ch == "\\":
                out.append(self._escape(in_class=False))
                continue
            if ch == "[":
                out.append(self._class())
                continue
            if ch == "(":
                flags = _FLAGS.match(pattern, self.i)
                if flags is None:
                    out.append(ch)
                    frames.append([])
                    self.i += 1
                    continue
                on, off = (_python_flags(flags[1]), _python_flags(flags[2] or ""))
                opened = f"(?{on}-{off}:" if off else f"(?{on}:"
                self.i = flags.end()
                if flags[3] == ":":
                    out.append(opened)
                    frames.append([])
                elif on or off:
                    out.append(opened)
                    frames[-1].append(opened)
                continue
            if ch == "|":
                out.append(")" * len(frames[-1]) + "|" + "".join(frames[-1]))
            elif ch == ")" and len(frames) > 1:
                out.append(")" * len(frames.pop()) + ")")
            else:
                out.append(ch)
            self.i += 1
        out.append(")" * sum(len(frame) for frame in frames))
        return "".join(out)

    def _escape(self, *, in_class: bool) -> str:
        pattern, i = self.pattern, self.i
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
        if nxt == "Q":
            end = pattern.find("\\E", i + 2)
            literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
            self.i = len(pattern) if end < 0 else end + 2
            quoted: str = regex.escape(literal)  # escapes "-", "]" and "^" too (classes)
            return quoted
        if nxt == "x" and pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            digits = pattern[i + 3 : end]
            if end > 0 and digits and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.i = end + 1
                return f"\\U{int(digits, 16):08X}"
        if nxt in _JAVA_CLASSES and not (in_class and nxt == "R"):  # Java refuses [\R] too
            self.i = i + 2
            body = _JAVA_CLASSES[nxt]
            return body[1:-1] if in_class else body
        if nxt in "pP" and pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            if end > 0:
                name = pattern[i + 3 : end]
                self.i = end + 1
                return f"\\{nxt}{{{_JAVA_PROPS.get(name, name)}}}"
        self.i = i + 2
        return pattern[i : i + 2]

    def _class(self) -> str:
        """Translate the class starting at ``self.i``; union and intersection become groups."""
        pattern = self.pattern
        self.i += 1
        negated = pattern.startswith("^", self.i)
        if negated:
            self.i += 1
        operands: list[tuple[list[str], list[str]]] = [([], [])]  # (items, nested classes)
        first = True
        while self.i < len(pattern):
            ch = pattern[self.i]
            if ch == "]" and not first:
                self.i += 1
                break
            first = False
            if ch == "\\":
                operands[-1][0].append(self._escape(in_class=True))
            elif ch == "[":
                operands[-1][1].append(self._class())
            elif pattern.startswith("&&", self.i):
                self.i += 2
                operands.append(([], []))
            else:
                operands[-1][0].append(ch)
                self.i += 1
        if len(operands) == 1 and not operands[0][1]:
            return f"[{'^' if negated else ''}{''.join(operands[0][0])}]"
        sets = [_union(items, nested) for items, nested in operands if items or nested]
        positive = (
            sets[0] if len(sets) == 1 else f"(?:{''.join(f'(?={s})' for s in sets[1:])}{sets[0]})"
        )
        return f"(?:(?!{positive})[\\s\\S])" if negated else positive


def _union(items: list[str], nested: list[str]) -> str:
    parts = ([f"[{''.join(items)}]"] if items else []) + nested
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _python_flags(java: str) -> str:
    # U (Unicode classes) is what the regex module does anyway; d (Unix lines) has no equivalent.
    return "".join(flag for flag in java if flag not in "Ud")


# --- reading SRX files ------------------------------------------------------------------------


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_srx(data: bytes, *, source: str | None = None) -> SrxRules:
    """Read SRX 2.0 from bytes; anything unusable raises :class:`RulesError` naming the file."""
    where = f"{source}: " if source else ""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as err:
        message, line = syntax_error(err)
        raise RulesError(f"{where}not a valid SRX file: {message} (line {line})") from err
    if _local(root.tag) != "srx":
        raise RulesError(f"{where}not an SRX file (root element is <{_local(root.tag)}>)")
    cascade = True
    languagerules: dict[str, tuple[Rule, ...]] = {}
    maps: list[tuple[str, str]] = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "header":
            cascade = element.get("cascade", "yes").strip().lower() == "yes"
        elif name == "languagerule":
            rule_name = element.get("languagerulename")
            if rule_name is None:
                raise RulesError(
                    f"{where}<languagerule> without languagerulename (line {element.sourceline})"
                )
            languagerules[rule_name] = tuple(
                _read_rule(r, where) for r in element if _local(r.tag) == "rule"
            )
        elif name == "languagemap":
            pattern = element.get("languagepattern")
            target = element.get("languagerulename")
            if pattern is None or target is None:
                raise RulesError(
                    f"{where}<languagemap> needs languagepattern and "
                    f"languagerulename (line {element.sourceline})"
                )
            maps.append((_compile_check(java_to_python(pattern), where, element), target))
    if not maps:
        raise RulesError(f"{where}SRX file has no <languagemap>, so no rules apply to any language")
    for _, target in maps:
        if target not in languagerules:
            raise RulesError(
                f"{where}<languagemap> names rules {target!r}, which the file does not define"
            )
    return SrxRules(cascade, languagerules, tuple(maps), source)


def _read_rule(element: etree._Element, where: str) -> Rule:
    brk = element.get("break", "yes").strip().lower() != "no"
    before = after = ""
    for child in element:
        text = child.text or ""
        if _local(child.tag) == "beforebreak":
            before = _compile_check(java_to_python(text), where, child)
        elif _local(child.tag) == "afterbreak":
            after = _compile_check(java_to_python(text), where, child)
    return Rule(brk, before, after)


#: Most characters in one rule's pattern.
MAX_PATTERN = 10_000
#: Most times a rule may repeat a part of itself, bounds multiplied through nesting: the regex
#: module writes bounded repeats out when compiling, so ``a{1000000000}`` would take gigabytes.
MAX_REPEAT = 10_000
#: Seconds the rules of a user's SRX file may spend on one paragraph: a rule that backtracks
#: without end (``(a|a)+$``) stops with an error instead of running for hours.
PARAGRAPH_TIMEOUT = 2.0

_BOUND = regex.compile(r"\{(\d+)(?:,(\d*))?\}")


def _repeat_weight(pattern: str) -> int:
    """The largest number of times a pattern repeats one of its parts (nested bounds multiply;
    ``*`` and ``+`` are not written out, so they count once).

    >>> _repeat_weight(r"(?:ab{3}){10}[{}]\\p{Lu}x{2,5}")
    30
    """
    frames = [1]  # the heaviest part of each open group so far
    last = 1  # the weight of the atom or group just read
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        bound = _BOUND.match(pattern, i) if ch == "{" else None
        if bound is not None:
            high = bound[2] or bound[1]
            count = int(high) if len(high) <= 9 else MAX_REPEAT + 1
            last *= max(count, 1)
            frames[-1] = max(frames[-1], last)
            i = bound.end()
            continue
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _class_end(pattern, i)
        elif ch == "(":
            frames.append(1)
            i += 1
            continue
        elif ch == ")" and len(frames) > 1:
            last = frames.pop()
            frames[-1] = max(frames[-1], last)
            i += 1
            continue
        else:
            i += 1
        last = 1
    return max(frames)


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class that opens at ``pattern[i]``."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _compile_check(pattern: str, where: str, element: etree._Element) -> str:
    line = element.sourceline
    if len(pattern) > MAX_PATTERN:
        raise RulesError(
            f"{where}a regular expression of {len(pattern):,} characters (line {line}); "
            f"at most {MAX_PATTERN:,} are accepted"
        )
    if _repeat_weight(pattern) > MAX_REPEAT:
        raise RulesError(
            f"{where}a regular expression repeats a part more than {MAX_REPEAT:,} times "
            f"(line {line}): {quoted(pattern)}"
        )
    try:
        regex.compile(pattern)
    except regex.error as err:
        raise RulesError(
            f"{where}bad regular expression {quoted(pattern)} (line {line}): {err}"
        ) from err
    return pattern


def load_srx(path: str | Path) -> SrxRules:
    """Read an SRX file from disk (OmegaT's, Okapi's or our own)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RulesError(f"{path}: cannot read the SRX file ({err.strerror or err})") from err
    return parse_srx(data, source=str(path))


@lru_cache(maxsize=1)
def shipped_srx() -> SrxRules:
    """Our own rules for the six UN languages (``tm/rules/untm.srx``)."""
    data = resources.files("tm.rules").joinpath(_SHIPPED).read_bytes()
    return parse_srx(data, source=_SHIPPED)


# --- the engine -------------------------------------------------------------------------------


_SCANS_BACK = regex.compile(r"^\^|(?<!\\)\.[*+]")


def _position_pattern(rule: Rule) -> str:
    # Test the cheaper side first. A look-behind is matched backwards from the position, so
    # it usually fails on the first character ("[.?!]", ":"); but one anchored at the start
    # of the line or holding ".*" may scan far back, so then the look-ahead goes first.
    ahead = f"(?={rule.after})" if rule.after else ""
    behind = f"(?<={rule.before})" if rule.before else ""
    if rule.before and _SCANS_BACK.search(rule.before) is None:
        return behind + ahead
    return ahead + behind


@dataclass(frozen=True, slots=True)
class _Compiled:
    candidates: tuple[regex.Pattern[str], ...]
    groups: tuple[tuple[bool, regex.Pattern[str]], ...]


@lru_cache(maxsize=64)
def _compile(rules: tuple[Rule, ...]) -> _Compiled:
    # One scan per break rule: measured faster than one alternation of all of them, because
    # the regex engine tries every alternative at every position of an alternation.
    breaking = dict.fromkeys(_position_pattern(r) for r in rules if r.brk)
    candidates = tuple(regex.compile(p, regex.V0) for p in breaking)
    groups: list[tuple[bool, list[str]]] = []
    for rule in rules:
        if groups and groups[-1][0] == rule.brk:
            groups[-1][1].append(_position_pattern(rule))
        else:
            groups.append((rule.brk, [_position_pattern(rule)]))
    compiled = tuple(
        (brk, regex.compile("|".join(f"(?:{p})" for p in parts), regex.V0)) for brk, parts in groups
    )
    return _Compiled(candidates, compiled)


class Segmenter:
    """Split text into segments with the SRX rules for one language.

    Args:
        lang: language code (``en``, ``fr-CA``, ``zh-Hans``...).
        srx: an SRX 2.0 file to use instead of the shipped rules.

    Raises:
        LanguageError: the language is not a language code, or no rules exist for it.
        RulesError: the SRX file is unreadable or broken.

    >>> Segmenter("en").split("See A/78/367, para. 5. It was adopted.")
    ['See A/78/367, para. 5.', 'It was adopted.']
    """

    __slots__ = ("_compiled", "_source", "lang")

    def __init__(self, lang: str, *, srx: str | Path | None = None) -> None:
        self.lang = normalize(lang)
        if srx is None:
            rules_file = shipped_srx()
            if base(self.lang) not in _SHIPPED_LANGS:
                raise LanguageError(
                    f"no segmentation rules for language {lang!r}: untm ships rules for "
                    f"{', '.join(sorted(_SHIPPED_LANGS))}; give your own SRX rules for others",
                    parameter="srx",
                )
        else:
            rules_file = _cached_srx(str(Path(srx).resolve()))
            if not rules_file.matches(self.lang):
                raise LanguageError(f"{srx}: no language pattern matches {lang!r}")
        self._compiled = _compile(rules_file.rules_for(self.lang))
        self._source = None if srx is None else str(srx)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets of each segment, surrounding whitespace excluded.

        Raises:
            RulesError: a user's SRX rules took over :data:`PARAGRAPH_TIMEOUT` seconds.
        """
        out: list[tuple[int, int]] = []
        pos = 0
        deadline = None if self._source is None else time.monotonic() + PARAGRAPH_TIMEOUT
        for line in text.split("\n"):
            try:
                self._line_spans(line, pos, out, deadline)
            except TimeoutError:
                raise RulesError(
                    f"{self._source}: the rules ran over {PARAGRAPH_TIMEOUT:g} s on one "
                    f"paragraph ({quoted(line, 40)}); a rule backtracks without end, "
                    "such as (a|a)+$"
                ) from None
            pos += len(line) + 1
        return out

    def split(self, text: str) -> list[str]:
        """The segments of ``text``, stripped, without empty ones."""
        return [text[start:end] for start, end in self.spans(text)]

    def _line_spans(
        self, line: str, offset: int, out: list[tuple[int, int]], deadline: float | None
    ) -> None:
        def left() -> float | None:
            return None if deadline is None else max(deadline - time.monotonic(), 0.001)

        cuts = [0]
        compiled = self._compiled
        positions = {
            m.start()
            for pattern in compiled.candidates
            for m in pattern.finditer(line, timeout=left())
        }
        positions.discard(0)
        positions.discard(len(line))
        for pos in sorted(positions):
            for brk, pattern in compiled.groups:
                if pattern.match(line, pos, timeout=left()) is not None:
                    if brk:
                        cuts.append(pos)
                    break
        cuts.append(len(line))
        for start, end in zip(cuts, cuts[1:], strict=False):
            while start < end and line[start].isspace():
                start += 1
            while end > start and line[end - 1].isspace():
                end -= 1
            if start < end:
                out.append((offset + start, offset + end))


@lru_cache(maxsize=8)
def _cached_srx(path: str) -> SrxRules:
    return load_srx(path)


@lru_cache(maxsize=32)
def _segmenter(lang: str, srx: str | None) -> Segmenter:
    return Segmenter(lang, srx=srx)


def segment(text: str, lang: str, *, srx: str | Path | None = None) -> list[str]:
    """Split one paragraph (or plain text, one paragraph a line) into segments.

    >>> segment("Mr. Smith arrived. He spoke.", "en")
    ['Mr. Smith arrived.', 'He spoke.']
    """
    return _segmenter(lang, None if srx is None else str(srx)).split(text)


def segment_file(
    path: str | Path, *, lang: str | None = None, srx: str | Path | None = None
) -> list[Segment]:
    """Read a document (see :func:`tm.document.read_document`) and segment it."""
    from tm.document import read_document

    doc = read_document(path, lang=lang)
    return segment_document(doc, srx=srx)


def segment_document(doc: Document, *, srx: str | Path | None = None) -> list[Segment]:
    """Segment every paragraph of ``doc``; indices count over the document from 0."""
    segmenter = _segmenter(doc.lang, None if srx is None else str(srx))
    out: list[Segment] = []
    for paragraph in doc.paragraphs:
        for start, end in segmenter.spans(paragraph.text):
            out.append(
                Segment(
                    len(out), paragraph.index, paragraph.kind, paragraph.text[start:end], start, end
                )
            )
    return out
