"""``tocsin train`` end to end: cross-validate, train on everything, export, quantise, card.

Order matters for honesty: thresholds are chosen on out-of-fold probabilities, then the final
model is trained on all data with the same hyper-parameters and receives those thresholds.
The shipped graph has int8 weights in the frozen layers when the hyper-parameters say so;
training saw those layers' quantised output. The fine-tuned layers are quantised after
training (by default): the card records how that graph's decisions compare with fp32.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import structlog
import torch

from services.detector.judge import DEFAULT_BATCH, Judge, JudgeCard, sha256_of
from services.detector.training.base_model import BaseModel, locate_base_model
from services.detector.training.card import write_card
from services.detector.training.crossval import OutOfFold, cross_validate, write_oof
from services.detector.training.data import (
    LABELS,
    Example,
    read_file,
    read_files,
    training_set,
)
from services.detector.training.export import export_onnx, quantise_layers
from services.detector.training.fit import (
    HyperParameters,
    cached_frozen_states,
    load_tokenizer,
    train,
)
from services.detector.training.metrics import (
    Scored,
    alarms_per_1000,
    choose_threshold,
    tradeoff,
)

log = structlog.get_logger(__name__)

MODEL_FILE_INT8 = "judge.int8.onnx"  # int8 weights in every encoder layer, the head fp32
MODEL_FILE_INT8_FROZEN = "judge.int8-frozen.onnx"  # int8 weights in the frozen layers only
MODEL_FILE_FP32 = "judge.fp32.onnx"
TOKENIZER_FILE = "tokenizer.json"
DEFAULT_THRESHOLD = 0.5
COMPARE_NEGATIVES = 300  # per negative kind, in the fp32/int8 comparison

LIMITS = (
    "Trained and cross-validated on sentences from a few hundred articles; the held-out sets "
    "the detector is judged on come from other articles, and figures there are lower. The "
    "judge reads one sentence without its context, so a sentence whose label depends on the "
    "previous one is judged on its own words. Standing (who may issue an ultimatum, whose "
    "denial counts) is only partly learnable from this data; the detector's rules add it."
)


@dataclass(frozen=True)
class TrainingRun:
    """What ``run`` produced."""

    out: Path
    card: dict[str, Any]
    oof: list[OutOfFold]


def _scored(results: Sequence[OutOfFold]) -> list[Scored]:
    return [Scored(r.example.label, r.example.kind, r.probabilities, r.example.group) for r in results]


def _cv_summary(results: Sequence[OutOfFold], folds: int) -> tuple[dict[str, float], dict[str, Any]]:
    rows = _scored(results)
    chosen = {label: choose_threshold(rows, label) for label in LABELS}
    thresholds = {label: fig.threshold for label, fig in chosen.items()}
    summary = {
        "folds": folds,
        "method": (
            "Labelled sentences folded by `source` article, event-coded and general-news "
            "negatives by id; each fold's model trained on the other folds (general news "
            "sampled, see hyper-parameters) and scored on all of its held-out rows. Precision "
            "and recall on labelled + event-coded rows; thresholds: highest recall with "
            "precision >= 0.90 on a 0.01 grid, else best F1."
        ),
        "at_thresholds": {label: fig.card() for label, fig in chosen.items()},
        "tradeoff": {
            label: [f.card() for f in tradeoff(rows, label, (0.3, 0.5, 0.7, 0.8, 0.9, 0.95))] for label in LABELS
        },
        "general_news_alarms_per_1000_any": round(alarms_per_1000(rows, None, thresholds), 2),
    }
    return thresholds, summary


def _judge(directory: Path, model_file: str, max_length: int, thresholds: dict[str, float], batch_size: int) -> Judge:
    card = JudgeCard(
        directory=directory,
        labels=LABELS,
        model_file=model_file,
        model_sha256=sha256_of(directory / model_file),
        tokenizer_file=TOKENIZER_FILE,
        tokenizer_sha256=sha256_of(directory / TOKENIZER_FILE),
        max_length=max_length,
        thresholds=thresholds,
        batch_size=batch_size,
    )
    return Judge(card, threads=1)  # as the service runs it: the timing compares one core each


def _f1(scores: np.ndarray, targets: np.ndarray, limits: np.ndarray) -> np.ndarray:
    fired = scores >= limits
    tp = (fired & (targets == 1)).sum(0)
    fp = (fired & (targets == 0)).sum(0)
    fn = (~fired & (targets == 1)).sum(0)
    f1: np.ndarray = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return f1


def compare(fp32: Judge, int8: Judge, examples: Sequence[Example], thresholds: dict[str, float]) -> dict[str, Any]:
    """The shipped int8 graph against the same weights all in fp32, on ``examples``:
    probability gaps, decision flips, per-label F1 on the labelled ones (in-sample) and the
    speed-up. A record, not a choice: the fine-tuned layers were trained on the quantised
    frozen layers' output (so all-fp32 runs off its training distribution), and their own
    int8 weights cost what these figures say."""
    texts = [e.text for e in examples]
    a = np.array([[p[lab] for lab in LABELS] for p in fp32.probabilities(texts)])
    b = np.array([[p[lab] for lab in LABELS] for p in int8.probabilities(texts)])
    limits = np.array([thresholds[lab] for lab in LABELS])
    flips = int(((a >= limits) != (b >= limits)).sum())
    labelled = np.array([e.kind == "labelled" for e in examples])
    targets = np.array([e.target for e in examples])
    f1_fp32 = _f1(a[labelled], targets[labelled], limits)
    f1_int8 = _f1(b[labelled], targets[labelled], limits)
    started = time.perf_counter()
    int8.probabilities(texts[:256])
    int8_seconds = time.perf_counter() - started
    started = time.perf_counter()
    fp32.probabilities(texts[:256])
    fp32_seconds = time.perf_counter() - started
    return {
        "sentences": len(texts),
        "max_abs_probability_difference": round(float(np.abs(a - b).max()), 4),
        "mean_abs_probability_difference": round(float(np.abs(a - b).mean()), 5),
        "decision_flips": flips,
        "decision_flip_rate": round(flips / a.size, 5),
        "labelled_f1_fp32": {lab: round(float(v), 4) for lab, v in zip(LABELS, f1_fp32, strict=False)},
        "labelled_f1_int8": {lab: round(float(v), 4) for lab, v in zip(LABELS, f1_int8, strict=False)},
        "max_f1_loss": round(float((f1_fp32 - f1_int8).max()), 4),
        "fp32_over_int8_time_256_sentences": round(fp32_seconds / max(int8_seconds, 1e-9), 2),
    }


def choose_precision(
    work: Path, out: Path, examples: Sequence[Example], params: HyperParameters, thresholds: dict[str, float]
) -> tuple[str, dict[str, Any] | None]:
    """Copies the graph the hyper-parameters call for from ``work`` into ``out``: with int8
    layers, after quantising them and recording how it compares with all-fp32."""
    for stale in (MODEL_FILE_INT8, MODEL_FILE_INT8_FROZEN, MODEL_FILE_FP32):
        (out / stale).unlink(missing_ok=True)
    layers = params.int8_layers
    if layers == 0:
        shutil.copyfile(work / MODEL_FILE_FP32, out / MODEL_FILE_FP32)
        return MODEL_FILE_FP32, None
    name = MODEL_FILE_INT8 if layers == params.encoder_layers else MODEL_FILE_INT8_FROZEN
    quantise_layers(work / MODEL_FILE_FP32, work / name, layers)
    # Every labelled sentence (where decisions are close) and a slice of the negatives:
    # two full passes over all 9,000 texts would cost more than the training on 2 cores.
    check = [e for e in examples if e.kind == "labelled"]
    check += [e for e in examples if e.kind == "event_coded"][:COMPARE_NEGATIVES]
    check += [e for e in examples if e.kind == "general"][:COMPARE_NEGATIVES]
    quant = compare(
        _judge(work, MODEL_FILE_FP32, params.max_length, thresholds, DEFAULT_BATCH),
        _judge(work, name, params.max_length, thresholds, 1),
        check,
        thresholds,
    )
    fine_tuned = "" if layers == params.frozen_layers else f" (0-{params.frozen_layers - 1} frozen)"
    quant["shipped"] = f"int8 weights in layers 0-{layers - 1}{fine_tuned}, fp32 elsewhere"
    shutil.copyfile(work / name, out / name)
    return name, quant


def run(
    data: Sequence[Path],
    out: Path,
    params: HyperParameters,
    folds: int = 5,
    oof_path: Path | None = None,
    base: BaseModel | None = None,
    states_cache: Path | None = None,
) -> TrainingRun:
    """Trains, evaluates and writes a judge (ONNX + tokenizer + card) into ``out``."""
    base = base or locate_base_model()
    per_file = [(path, read_file(path)) for path in data]
    examples: list[Example] = read_files(data)  # also refuses ids repeated across files
    tokenizer = load_tokenizer(base.tokenizer, params.max_length)
    states = cached_frozen_states(base.weights, tokenizer, [e.text for e in examples], params, states_cache)

    thresholds = {label: DEFAULT_THRESHOLD for label in LABELS}
    cv_summary: dict[str, Any] | None = None
    oof: list[OutOfFold] = []
    if folds > 1:
        oof = cross_validate(examples, base.weights, states, params, folds)
        if oof_path is not None:
            write_oof(oof, oof_path)
        thresholds, cv_summary = _cv_summary(oof, folds)
        log.info("cross_validated", thresholds=thresholds)

    chosen = training_set(examples, params.general_news_sample, params.seed)
    model = train(chosen, base.weights, states, params)

    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base.tokenizer, out / TOKENIZER_FILE)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copyfile(base.tokenizer, work / TOKENIZER_FILE)
        export_onnx(model, work / MODEL_FILE_FP32)
        model_file, quant = choose_precision(work, out, examples, params, thresholds)

    card: dict[str, Any] = {
        "format": 1,
        "labels": list(LABELS),
        "thresholds": thresholds,
        "runtime": {
            "model_file": model_file,
            "model_sha256": sha256_of(out / model_file),
            "precision": quant["shipped"] if quant else "fp32",
            "tokenizer_file": TOKENIZER_FILE,
            "tokenizer_sha256": sha256_of(out / TOKENIZER_FILE),
            "max_length": params.max_length,
            "batch_size": DEFAULT_BATCH if model_file == MODEL_FILE_FP32 else 1,
            "inputs": ["input_ids", "attention_mask"],
            "output": "logits (sigmoid per label)",
        },
        "base_model": base.card(),
        "data": [
            {
                "file": path.name,
                "sha256": sha256_of(path),
                "examples": len(ex),
                "written_here": sum(e.kind == "written" for e in ex),
            }
            for path, ex in per_file
        ],
        "training_set": {
            "sentences": len(chosen),
            "positives": {label: int(sum(e.target[i] for e in chosen)) for i, label in enumerate(LABELS)},
        },
        "hyper_parameters": params.card(),
        "cross_validation": cv_summary,
        "quantisation": quant,
        "torch": torch.__version__,
        "limits": LIMITS,
    }
    write_card(out, card)
    log.info("judge_written", out=str(out), model=model_file, thresholds=thresholds)
    return TrainingRun(out=out, card=card, oof=oof)
