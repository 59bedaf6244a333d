"""The training code on a CI-sized run: a few dozen sentences, one epoch, export, runtime load.

The sentences below were written for this test (not taken from any shared data set). The
test needs the ``train`` extra (torch); ``make test`` installs it. It does not skip without
torch: a broken training path must fail CI, not vanish from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.detector.judge import load_judge
from services.detector.training import base_model
from services.detector.training.crossval import fold_assignment
from services.detector.training.data import LABELS, read_files
from services.detector.training.fit import HyperParameters
from services.detector.training.pipeline import run

# Written here for this test.
WRITTEN = {
    "ULTIMATUM": [
        "The foreign minister gave the neighbouring government 72 hours to withdraw its envoy or face sanctions.",
        "Washington told the junta to hand over power by Friday or lose all aid.",
        "The president warned the rival leader to leave the country within two days or face military action.",
        "Ministers set a deadline of midnight for the embassy staff to leave the capital.",
        "The government demanded that the regime comply with the resolution within a week or face strikes.",
        "The prime minister issued an ultimatum to the breakaway region's leaders to disarm by Monday.",
    ],
    "MILITARY_BUILDUP": [
        "Thousands of troops and tanks were massed along the northern border overnight.",
        "The navy sent two carrier groups toward the disputed coast.",
        "Satellite images show armoured columns gathering near the frontier.",
        "The defence ministry mobilised reservists and moved artillery to the border region.",
        "Warships were deployed off the coast of the island in a show of force.",
        "Officials said fresh battalions had been deployed to the border with the neighbouring state.",
    ],
    "WIRE_DENIAL": [
        "The foreign ministry denied a newspaper report that its troops had crossed the border.",
        "A military spokesman dismissed the news agency's report as fabricated.",
        "The embassy rejected a report by a television channel about secret talks.",
        "The interior ministry said the wire service report on arrests was false.",
        "Government officials denied the magazine's report of a planned coup.",
        "The defence ministry called the broadcaster's account of the strike baseless.",
    ],
    "NEGATIVE": [
        "The striker scored twice as the home side won the cup final.",
        "Shares rose after the company reported higher quarterly profits.",
        "The new phone goes on sale next month at a lower price.",
        "Heavy rain is expected across the region this weekend.",
        "The coach gave his players an ultimatum about training discipline.",
        "The company denied a report that it would cut jobs.",
        "Protesters demanded the mayor resign by the end of the month.",
        "The army held its annual parade in the capital.",
        "The central bank kept interest rates unchanged.",
        "A film festival opened with a premiere of a new drama.",
        "The minister visited a school to open a new library.",
        "Researchers unveiled a faster chip for laptops.",
    ],
}


def _write_data(path: Path) -> Path:
    rows = []
    for label, texts in WRITTEN.items():
        for i, text in enumerate(texts):
            rows.append(
                {
                    "id": f"{label.lower()}-{i}",
                    "text": text,
                    "label": label,
                    "source": f"written://{label.lower()}/{i // 2}",
                }
            )
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _write_general(path: Path) -> Path:
    rows = [
        {"id": f"g-{i}", "text": f"Headline {i}\nA description of ordinary event number {i}.", "category": "World"}
        for i in range(8)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("train")
    data = [_write_data(root / "written.jsonl"), _write_general(root / "general.jsonl")]
    params = HyperParameters(epochs=1, batch_size=8, general_news_sample=4, trainable_layers=1, encoder_layers=2)
    result = run(data, root / "model", params, folds=2, oof_path=root / "oof.jsonl")
    return root, result.card


def test_tiny_run_exports_a_model_the_runtime_judge_loads(trained: tuple[Path, dict]) -> None:
    root, card = trained
    judge = load_judge(root / "model")
    assert judge.labels == LABELS
    sentences = [WRITTEN["ULTIMATUM"][0], WRITTEN["NEGATIVE"][0], "Short."]
    scores = judge.probabilities(sentences)
    assert len(scores) == 3
    for row in scores:
        assert set(row) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in row.values())
    assert card["runtime"]["model_file"] == "judge.int8.onnx"
    assert card["runtime"]["batch_size"] == 1  # int8 activations are scaled per run
    assert {d["file"] for d in card["data"]} == {"written.jsonl", "general.jsonl"}
    assert set(card["thresholds"]) == set(LABELS)
    assert (root / "model" / "MODEL_CARD.md").read_text().startswith("# Detector judge")


def test_out_of_fold_rows_cover_every_example_and_keep_articles_whole(trained: tuple[Path, dict]) -> None:
    root, card = trained
    rows = [json.loads(line) for line in (root / "oof.jsonl").read_text().splitlines()]
    assert len(rows) == sum(len(t) for t in WRITTEN.values()) + 2 * 8  # a headline and a description each
    folds_of_source: dict[str, set[int]] = {}
    for row in rows:
        folds_of_source.setdefault(row["source"], set()).add(row["fold"])
        assert set(row["probabilities"]) == set(LABELS)
    assert all(len(folds) == 1 for folds in folds_of_source.values())
    assert card["cross_validation"]["folds"] == 2


def test_a_general_news_snippet_gives_its_sentences_apart_as_the_engine_splits_them(tmp_path: Path) -> None:
    from services.detector.hygiene import clean
    from services.detector.sentences import split_sentences

    text = "Ruritania Deploys Broadband Faster (AP)\nAP - Ruritania's networks grew. Rural towns gained most."
    path = tmp_path / "general.jsonl"
    path.write_text(json.dumps({"id": "g-1", "text": text, "category": "Sci/Tech"}) + "\n", encoding="utf-8")
    examples = read_files([path])
    assert [e.id for e in examples] == ["g-1/0", "g-1/1", "g-1/2"]
    assert examples[0].text == "Ruritania Deploys Broadband Faster (AP)"  # the headline alone, as it is judged
    assert {e.group for e in examples} == {"g-1"}  # one snippet, one fold
    engine_view = clean(text)
    assert [e.text for e in examples] == [engine_view.text[s.start : s.end] for s in split_sentences(engine_view.text)]


def test_folds_never_split_an_article(tmp_path: Path) -> None:
    examples = read_files([_write_data(tmp_path / "d.jsonl")])
    folds = fold_assignment(examples, 3, seed=1)
    by_group: dict[str, set[int]] = {}
    for e in examples:
        by_group.setdefault(e.group, set()).add(folds[e.id])
    assert all(len(f) == 1 for f in by_group.values())
    assert len(set(folds.values())) == 3


def test_shipped_graph_quantises_the_encoder_layers_and_leaves_the_head_fp32(trained: tuple[Path, dict]) -> None:
    import onnx

    root, card = trained
    assert card["runtime"]["model_file"] == "judge.int8.onnx"
    graph = onnx.load(str(root / "model" / card["runtime"]["model_file"])).graph
    integer = {n.name for n in graph.node if n.op_type == "MatMulInteger"}
    head = [n.name for n in graph.node if n.op_type == "MatMul" and "/head/" in n.name]
    assert any("/layers.0/" in name for name in integer)  # frozen, quantised before training
    assert any("/layers.1/" in name for name in integer)  # fine-tuned, quantised after
    assert head and not any("/head/" in name for name in integer)
    assert card["runtime"]["precision"] == "int8 weights in layers 0-1 (0-0 frozen), fp32 elsewhere"
    assert card["quantisation"]["decision_flips"] >= 0


@pytest.mark.parametrize(
    ("frozen", "fine_tuned", "layers"),
    [("int8", "int8", 6), ("int8", "fp32", 4), ("fp32", "int8", 0), ("fp32", "fp32", 0)],
)
def test_which_layers_the_shipped_graph_runs_in_int8(frozen: str, fine_tuned: str, layers: int) -> None:
    params = HyperParameters(frozen_precision=frozen, fine_tuned_precision=fine_tuned, trainable_layers=2)
    assert params.int8_layers == layers


def test_training_sees_the_frozen_layers_as_the_shipped_graph_runs_them(tmp_path: Path) -> None:
    """The states training caches come from the int8 graph; the runtime judge, given the same
    weights, must score a sentence as the training-side prediction does."""
    from services.detector.judge import Judge, JudgeCard, sha256_of
    from services.detector.training.data import Example, target_for
    from services.detector.training.export import export_onnx, quantise_layers
    from services.detector.training.fit import frozen_states, load_tokenizer, predict_states, train

    base = base_model.locate_base_model()
    params = HyperParameters(epochs=1, batch_size=4, trainable_layers=1, encoder_layers=2)
    texts = [t for group in WRITTEN.values() for t in group[:2]]
    tokenizer = load_tokenizer(base.tokenizer, params.max_length)
    states = frozen_states(base.weights, tokenizer, texts, params)
    examples = [
        Example(f"w{i}", t, "NEGATIVE", f"w{i}", "labelled", target_for("NEGATIVE")) for i, t in enumerate(texts)
    ]
    model = train(examples, base.weights, states, params)
    trained_side = predict_states(model, states, texts, params)
    export_onnx(model, tmp_path / "full.onnx")
    quantise_layers(tmp_path / "full.onnx", tmp_path / "judge.onnx", params.frozen_layers)
    (tmp_path / "tokenizer.json").write_bytes(base.tokenizer.read_bytes())
    card = JudgeCard(
        tmp_path,
        LABELS,
        "judge.onnx",
        sha256_of(tmp_path / "judge.onnx"),
        "tokenizer.json",
        sha256_of(tmp_path / "tokenizer.json"),
        params.max_length,
        dict.fromkeys(LABELS, 0.5),
        batch_size=1,
    )
    runtime = Judge(card).probabilities(texts)
    for row, scores in zip(trained_side, runtime, strict=True):
        assert [scores[label] for label in LABELS] == pytest.approx(list(row), abs=1e-4)


def test_an_unknown_fine_tuned_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="fine_tuned_precision"):
        HyperParameters(fine_tuned_precision="int4")


def test_an_unknown_frozen_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="frozen_precision"):
        HyperParameters(frozen_precision="int4")


def test_base_weights_with_another_hash_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base_model, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(base_model.BaseModelError, match="SHA-256"):
        base_model.locate_base_model()


def test_cli_refuses_a_missing_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from services.cli.main import main

    assert main(["train", "--data", str(tmp_path / "absent.jsonl"), "--out", str(tmp_path / "m")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_general_news_alarms_are_counted_per_snippet_not_per_sentence() -> None:
    from services.detector.training.metrics import Scored, alarms_per_1000

    quiet = {label: 0.0 for label in LABELS}
    loud = {**quiet, "ultimatum": 0.9}
    rows = [
        Scored("GENERAL", "general", loud, "g-1"),
        Scored("GENERAL", "general", loud, "g-1"),  # the same snippet's second sentence
        Scored("GENERAL", "general", quiet, "g-2"),
        Scored("GENERAL", "general", quiet, "g-2"),
    ]
    assert alarms_per_1000(rows, "ultimatum", 0.5) == 500.0


def test_sentences_written_here_are_trained_on_in_every_fold_and_never_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.detector.training import crossval

    data = _write_data(tmp_path / "shared.jsonl")
    own = tmp_path / "written_here.jsonl"
    own.write_text(
        json.dumps(
            {
                "id": "mine-1",
                "text": "The minister gave the envoy two days to leave.",
                "label": "ULTIMATUM",
                "source": "written-here:1",
                "written_here": True,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    examples = read_files([data, own])
    assert [e.kind for e in examples if e.id == "mine-1"] == ["written"]
    trained_on: list[set[str]] = []

    def fake_train(chosen, *_args):  # noqa: ANN001, ANN202
        trained_on.append({e.id for e in chosen})
        return None

    def fake_predict(_model, _states, texts, _params):  # noqa: ANN001, ANN202
        return [[0.0] * len(LABELS) for _ in texts]

    monkeypatch.setattr(crossval, "train", fake_train)
    monkeypatch.setattr(crossval, "predict_states", fake_predict)
    results = crossval.cross_validate(examples, tmp_path, {}, HyperParameters(), n_folds=3)  # type: ignore[arg-type]
    assert len(trained_on) == 3 and all("mine-1" in ids for ids in trained_on)
    assert "mine-1" not in {r.example.id for r in results}
    assert len(results) == len(examples) - 1  # every shared sentence scored once
