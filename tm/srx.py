"""SRX 2.0 files: the rule lists and language map that :mod:`tm.segment` runs.

An SRX file holds named rule lists (``<languagerule>``) and a map from language patterns to
those lists (``<maprules>``). A user's file is read within limits, so that it cannot take the
machine down: no entity declarations (the parser expands none, so rules would silently lose
text), patterns of at most :data:`MAX_PATTERN` characters repeating a
part at most :data:`MAX_REPEAT` times (the ``regex`` module writes bounded repeats out).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex
from lxml import etree

from tm._xml import ENTITIES_REFUSED, declares_entities, safe_parser, syntax_error
from tm.errors import RulesError, quoted
from tm.java_regex import java_to_python
from tm.lang import UN_LANGUAGES

__all__ = [
    "MAX_PATTERN",
    "MAX_REPEAT",
    "SHIPPED_LANGS",
    "Rule",
    "SrxRules",
    "load_srx",
    "parse_srx",
    "shipped_srx",
]

_SHIPPED = "untm.srx"
#: Languages our shipped rules are written for, the six UN languages; other languages need
#: the caller's own SRX file.
SHIPPED_LANGS = frozenset(UN_LANGUAGES)


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


# --- reading SRX files ------------------------------------------------------------------------


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_srx(data: bytes, *, source: str | None = None, trusted: bool = False) -> SrxRules:
    """Read SRX 2.0 from bytes; anything unusable raises :class:`RulesError` naming the file.
    ``trusted`` rules (our own file, checked by the tests) skip compiling every pattern to
    check it: a process compiles only the rules of the languages it segments."""
    where = f"{source}: " if source else ""
    check = not trusted
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as err:
        message, line = syntax_error(err)
        raise RulesError(f"{where}not a valid SRX file: {message} (line {line})") from err
    if declares_entities(root.getroottree()):
        raise RulesError(f"{where}{ENTITIES_REFUSED} (line 1)")
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
                _read_rule(r, where, check) for r in element if _local(r.tag) == "rule"
            )
        elif name == "languagemap":
            pattern = element.get("languagepattern")
            target = element.get("languagerulename")
            if pattern is None or target is None:
                raise RulesError(
                    f"{where}<languagemap> needs languagepattern and "
                    f"languagerulename (line {element.sourceline})"
                )
            maps.append((_checked(java_to_python(pattern), where, element, check), target))
    if not maps:
        raise RulesError(f"{where}SRX file has no <languagemap>, so no rules apply to any language")
    for _, target in maps:
        if target not in languagerules:
            raise RulesError(
                f"{where}<languagemap> names rules {target!r}, which the file does not define"
            )
    return SrxRules(cascade, languagerules, tuple(maps), source)


def _read_rule(element: etree._Element, where: str, check: bool) -> Rule:
    brk = element.get("break", "yes").strip().lower() != "no"
    before = after = ""
    for child in element:
        text = child.text or ""
        if _local(child.tag) == "beforebreak":
            before = _checked(java_to_python(text), where, child, check)
        elif _local(child.tag) == "afterbreak":
            after = _checked(java_to_python(text), where, child, check)
    return Rule(brk, before, after)


#: Most characters in one rule's pattern.
MAX_PATTERN = 10_000
#: Most times a rule may repeat a part of itself, bounds multiplied through nesting: the regex
#: module writes bounded repeats out when compiling, so ``a{1000000000}`` would take gigabytes.
MAX_REPEAT = 10_000
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


def _checked(pattern: str, where: str, element: etree._Element, check: bool) -> str:
    """``pattern``, once it is known to be within the limits and to compile (with ``check``)."""
    if not check:
        return pattern
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
    return parse_srx(data, source=_SHIPPED, trusted=True)
