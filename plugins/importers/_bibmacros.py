"""BibTeX field values: ``@string`` macros, ``#`` concatenation and enclosing braces.

bibtexparser 2's middlewares replace a field that *is* a defined macro and strip one
pair of enclosing braces or quotes, but they leave an undefined macro as its own name
(so ``title = undefinedmacro`` became the title "undefinedmacro"), a circular one as
unresolved text (``q # p``), and never join ``#`` concatenations. This module parses
each raw value (bibtexparser run without middlewares) into its parts and resolves them:

* ``{…}`` and ``"…"`` parts are literal text (one pair of delimiters removed);
* a number is itself;
* a name is a macro: its definition, resolved in turn (memoised, so linear overall);
  the month names ``jan`` … ``dec`` stand for themselves when not defined;
* an undefined macro, a circular definition or a chain deeper than ``MAX_DEPTH``
  gives a warning and contributes nothing, so the field is never the macro's name.

A value that does not parse as parts (stray characters) is kept as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

#: The deepest chain of macros defined by other macros that is followed.
MAX_DEPTH = 100
_MONTHS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)

#: A part of a value: (True, literal text) or (False, macro name).
Part = tuple[bool, str]


_BRACE = re.compile(r"[\\{}]")
_QUOTE = re.compile(r'[\\{}"]')


def _closing(raw: str, i: int) -> int:
    """Where the ``{…}`` or ``"…"`` part opening at ``raw[i]`` closes, or ``len(raw)``.

    A backslash escapes the character after it. In ``{…}`` the first brace closes when
    the braces balance; in ``"…"`` the first quote outside braces closes. Why a regex
    over the delimiters: a loop over every character of every abstract was most of the
    time of reading a BibTeX file.
    """
    skip = -1
    if raw[i] == "{":
        depth = 0
        for match in _BRACE.finditer(raw, i):
            at = match.start()
            if at < skip:
                continue
            char = raw[at]
            if char == "\\":
                skip = at + 2
            elif char == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return at
        return len(raw)
    depth = 0
    for match in _QUOTE.finditer(raw, i + 1):
        at = match.start()
        if at < skip:
            continue
        char = raw[at]
        if char == "\\":
            skip = at + 2
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            return at
    return len(raw)


def plain_braced(raw: str) -> str | None:
    """The text of the commonest value, ``{text}`` with no brace or backslash inside
    (what :meth:`MacroResolver.resolve` gives for it), else None."""
    if (
        raw[:1] == "{"
        and raw[-1:] == "}"
        and raw.count("}") == raw.count("{") == 1
        and "\\" not in raw
    ):
        return raw[1:-1]
    return None


def split_value(raw: str) -> list[Part] | None:
    """The parts of a raw BibTeX value joined by ``#``, or None if it is not one."""
    plain = plain_braced(raw)
    if plain is not None:
        return [(True, plain)]  # the commonest value: "{text}", no braces inside
    parts: list[Part] = []
    i, n = 0, len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts if parts else [(True, "")]
        char = raw[i]
        if char == "{" or char == '"':
            j = _closing(raw, i)
            if j >= n:
                return None
            parts.append((True, raw[i + 1 : j]))
            i = j + 1
        else:
            j = i
            while j < n and not raw[j].isspace() and raw[j] != "#":
                j += 1
            word = raw[i:j]
            if any(c in word for c in '{}"'):
                return None
            parts.append((True, word) if word.isdigit() else (False, word))
            i = j
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts
        if raw[i] != "#":
            return None
        i += 1


class MacroResolver:
    """Resolves values against a file's ``@string`` definitions (raw, as written).

    ``warn(message)`` is called once per undefined, circular or too deep macro use.
    """

    def __init__(self, definitions: Mapping[str, str], warn: Callable[[str], None]):
        self.raw = {name.lower(): value for name, value in definitions.items()}
        self.warn = warn
        self.done: dict[str, str] = {}
        self.bad: dict[str, str] = {}  # name -> why it cannot be resolved

    def _macro(self, name: str) -> tuple[str, str | None]:
        """(text, problem) of one macro, resolved iteratively with an explicit stack."""
        key = name.lower()
        if key in self.done:
            return self.done[key], None
        if key in self.bad:
            return "", self.bad[key]
        if key not in self.raw:
            if key in _MONTHS:
                return name, None
            return "", f"the @string macro {name!r} is not defined"
        stack: list[str] = [key]
        on_stack = {key}
        while stack:
            current = stack[-1]
            parts = split_value(self.raw[current])
            pending = None
            text: list[str] = []
            problem = None
            for literal, value in parts or [(True, self.raw[current])]:
                if literal:
                    text.append(value)
                    continue
                sub = value.lower()
                if sub in self.done:
                    text.append(self.done[sub])
                elif sub in self.bad:
                    problem = self.bad[sub]
                elif sub not in self.raw:
                    if sub in _MONTHS:
                        text.append(value)
                    else:
                        problem = f"the @string macro {value!r} is not defined"
                elif sub in on_stack:
                    problem = f"the @string macro {name!r} is defined in terms of itself"
                elif len(stack) >= MAX_DEPTH:
                    problem = (
                        f"the @string macro {name!r} is defined through more than "
                        f"{MAX_DEPTH} other macros"
                    )
                else:
                    pending = sub
                    break
            if pending is not None:
                stack.append(pending)
                on_stack.add(pending)
                continue
            stack.pop()
            on_stack.discard(current)
            if problem is not None:
                self.bad[current] = problem
                for waiting in stack:  # everything depending on it fails the same way
                    self.bad[waiting] = problem
                return "", problem
            self.done[current] = "".join(text)
        return self.done[key], None

    def resolve(self, raw: str, where: str | Callable[[], str]) -> str:
        """The text of a raw field value; ``where`` names the field in warnings (or is a
        function giving that name, called only when there is a warning)."""
        parts = split_value(raw)
        if parts is None:
            return raw.strip()
        out: list[str] = []
        for literal, value in parts:
            if literal:
                out.append(value)
                continue
            text, problem = self._macro(value)
            if problem is not None:
                place = where if isinstance(where, str) else where()
                self.warn(f"{place}: {problem}; that part of the field is left empty")
            out.append(text)
        return "".join(out)
