"""Countries named in text, as ISO 3166-1 alpha-2 codes, from a gazetteer shipped as data."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.yaml")
MEMO_TEXTS = 50_000


class Gazetteer:
    """Finds names, demonyms, capitals and leaders, and maps them to country codes."""

    def __init__(self, names: dict[str, list[str]]) -> None:
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

    @classmethod
    def from_file(cls, path: Path = GAZETTEER_FILE) -> "Gazetteer":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

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
