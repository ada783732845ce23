"""Java regular expressions (what SRX files hold) rewritten for the ``regex`` module.

``regex`` already understands ``\\p{Lu}``, possessive quantifiers and atomic groups; this
rewrites the few Java-only constructs: the ``\\h``/``\\v`` classes, ``\\p{javaLowerCase}``
and POSIX ``\\p{Alpha}`` properties, ``&&`` class intersections, ``\\Q...\\E`` quoting, and inline
flags written as Java writes them.
"""

from __future__ import annotations

import regex

__all__ = ["java_to_python"]

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
