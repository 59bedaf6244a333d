"""The documented worked example works as printed; detect is safe from a thread pool."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from services.detector.catalog import BUILTIN_PATTERNS_DIR, validate_directory
from services.detector.engine import DetectionEngine
from tests.detector.conftest import DETECTOR_FIXTURES

README = Path(__file__).resolve().parents[2] / "docs" / "patterns-and-detection.md"
EXAMPLE_LINES = (
    "The European Union imposed new sanctions on Iran on Monday.\n"
    "The minister called for sanctions on Iran.\n"
    "Acme Corp imposed an embargo on its suppliers.\n"
)


def test_worked_example_in_the_guide(engine, tmp_path: Path) -> None:  # noqa: ANN001
    readme = README.read_text(encoding="utf-8")
    section = readme.index("## Writing a pattern")
    guide = readme[section : readme.index("\n## ", section + 1)]
    example = re.search(r"```yaml\n(.*?)```", guide, re.S).group(1)
    (tmp_path / "sanctions.yaml").write_text(example, encoding="utf-8")
    assert validate_directory(tmp_path) == []
    with_user = DetectionEngine(engine.nlp, True, [BUILTIN_PATTERNS_DIR, tmp_path])
    found = [d for d in with_user.detect(EXAMPLE_LINES) if d.pattern == "sanctions"]
    assert [(d.actor, d.target, d.countries, d.start, d.end) for d in found] == [
        ("The European Union", "Iran", ["IR"], 0, 59)
    ]
    assert "chars 0-59: The European Union imposed new sanctions on Iran on Monday." in guide


def test_concurrent_detect_matches_sequential(engine) -> None:  # noqa: ANN001
    texts = [
        (DETECTOR_FIXTURES / "border_crisis.txt").read_text(encoding="utf-8"),
        "Israel is massing troops near the border with Gaza.",
        "The Kremlin dismissed the Bloomberg report as fake news.",
        "Nothing to see here.",
    ] * 6
    expected = [engine.detect(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(engine.detect, texts))
    assert concurrent == expected
    assert sum(len(found) for found in concurrent) > len(texts)
