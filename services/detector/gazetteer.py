"""Countries named in text, as ISO 3166-1 alpha-2 codes, from a gazetteer shipped as data."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.yaml")
BORDERS_FILE = Path(__file__).with_name("borders.yaml")
MEMO_TEXTS = 50_000


class Gazetteer:
    """Finds names, demonyms, capitals and leaders, and maps them to country codes."""

    def __init__(self, names: dict[str, list[str]], borders: list[dict[str, list[str]]] | None = None) -> None:
        self._code_of: dict[str, str] = {}
        self._name_of: dict[str, str] = {}
        for code, aliases in names.items():
            if not (isinstance(code, str) and len(code) == 2 and code.isalpha()):
                raise ValueError(f"gazetteer key {code!r} is not an ISO alpha-2 code (quote NO, ON...)")
            if aliases:
                self._name_of[str(code).upper()] = str(aliases[0])
            for alias in aliases:
                self._code_of.setdefault(str(alias), str(code).upper())
        self._mentions: dict[str, bool] = {}
        alternatives = sorted(self._code_of, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])(?!-\w)")
        self._lines: list[tuple[re.Pattern[str], frozenset[str]]] = []
        for line in borders or []:
            states = frozenset(str(code).upper() for code in line["states"])
            if len(states) != 2:
                raise ValueError(f"border line {line!r} must name two states")
            written = "|".join(re.escape(str(name)) for name in sorted(line["names"], key=len, reverse=True))
            self._lines.append((re.compile(r"(?<![\w])(?:" + written + r")(?![\w])"), states))

    @classmethod
    def from_file(cls, path: Path = GAZETTEER_FILE, borders: Path | None = BORDERS_FILE) -> "Gazetteer":
        lines = yaml.safe_load(borders.read_text(encoding="utf-8")) if borders is not None else None
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")), lines)

    def across(self, text: str, own: str) -> tuple[str, tuple[int, int]] | None:
        """The state across a named line ``text`` mentions from ``own``'s side ("along the Line of
        Control" from Pakistan: India), with where the line is named; ``None`` unless the lines
        named from that side all face one state."""
        found = [
            (other, match.span())
            for pattern, states in self._lines
            if own in states and (match := pattern.search(text)) is not None
            for other in states - {own}
        ]
        return found[0] if len({other for other, _ in found}) == 1 else None

    def countries(self, *texts: str | None) -> list[str]:
        """Codes of every country mentioned in ``texts``, in order of first mention."""
        found: list[str] = []
        for text in texts:
            if not text:
                continue
            for match in self._pattern.finditer(text):
                code = self._code_of[match.group(1)]
                if code not in found:
                    found.append(code)
        return found

    def named(self, text: str) -> list[tuple[str, str]]:
        """Every country name in ``text`` as written, with its code, in order."""
        return [(match.group(1), self._code_of[match.group(1)]) for match in self._pattern.finditer(text)]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of every name in ``text``."""
        return [match.span(1) for match in self._pattern.finditer(text)]

    def code_of(self, name: str) -> str | None:
        """The country ``name`` denotes when it is exactly a gazetteer entry."""
        return self._code_of.get(name.removeprefix("the ").removeprefix("The "))

    def name_of(self, code: str) -> str | None:
        """The country's own name (the first entry of its line): "CN" -> "China"."""
        return self._name_of.get(code)

    def derived(self, name: str) -> bool:
        """A word made from the country's own name, a demonym ("Kuwaiti" of Kuwait, "Iraqi" of
        Iraq), however a tagger labels it; not the name itself nor a shorter form of it."""
        code = self.code_of(name)
        own = self.name_of(code) if code is not None else None
        return own is not None and len(name) > len(own) and name[:4] == own[:4] and " " not in name

    def mentions(self, text: str) -> bool:
        """Whether ``text`` names any country; asked of the same words again and again, so
        remembered (bounded: hostile text must not grow it without end)."""
        known = self._mentions.get(text)
        if known is None:
            if len(self._mentions) >= MEMO_TEXTS:
                self._mentions.clear()
            known = self._mentions[text] = self._pattern.search(text) is not None
        return known


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_file()
