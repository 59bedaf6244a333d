"""The trained judge at run time: which seed patterns a sentence expresses, as probabilities.

A fine-tuned MiniLM-L6 sentence classifier exported to ONNX (see ``services.detector.training``
and the model card beside the weights). It runs on onnxruntime with the ``tokenizers``
WordPiece tokenizer, so the service needs neither torch nor transformers.

Labels are independent (sigmoid per label, not softmax): a sentence may carry two patterns,
and "none" is every probability low. The judge only scores; thresholds and the combination
with rule evidence belong to the engine, which reads the card's thresholds as defaults.

Before the model is used its SHA-256 and the tokenizer's are checked against the card: the
card's figures describe one set of weights, and a swapped or truncated file must fail loudly
rather than score quietly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import structlog
from tokenizers import Tokenizer

log = structlog.get_logger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
CARD_NAME = "model_card.json"
DEFAULT_BATCH = 16  # sentences per run of an fp32 model; smaller batches of length-sorted sentences pad less


class JudgeError(RuntimeError):
    """The judge's files are missing, inconsistent with the card, or unreadable."""


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (model weights are tens of megabytes); training
    writes the card's hashes and the runtime checks them with this same function."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class JudgeCard:
    """The part of the model card the runtime needs."""

    directory: Path
    labels: tuple[str, ...]
    model_file: str
    model_sha256: str
    tokenizer_file: str
    tokenizer_sha256: str
    max_length: int
    thresholds: dict[str, float]
    # Sentences per run of the model. 1 for a graph with int8 layers: their activations are
    # scaled per run, so in a batch a sentence's score would depend on its companions.
    batch_size: int = DEFAULT_BATCH

    @classmethod
    def read(cls, path: Path) -> JudgeCard:
        """Reads ``model_card.json`` (``path`` is the file or its directory)."""
        card_path = path / CARD_NAME if path.is_dir() else path
        try:
            raw = json.loads(card_path.read_text(encoding="utf-8"))
            runtime = raw["runtime"]
            return cls(
                directory=card_path.parent,
                labels=tuple(raw["labels"]),
                model_file=runtime["model_file"],
                model_sha256=runtime["model_sha256"],
                tokenizer_file=runtime["tokenizer_file"],
                tokenizer_sha256=runtime["tokenizer_sha256"],
                max_length=int(runtime["max_length"]),
                thresholds={k: float(v) for k, v in raw["thresholds"].items()},
                batch_size=int(runtime.get("batch_size", DEFAULT_BATCH)),
            )
        except FileNotFoundError as exc:
            raise JudgeError(f"no model card at {card_path}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise JudgeError(f"{card_path}: not a judge model card ({exc!r})") from exc

    def verified(self, name: str, expected: str) -> Path:
        """The named file, after checking its SHA-256 against the card."""
        path = self.directory / name
        if not path.is_file():
            raise JudgeError(f"{path}: missing (named by {self.directory / CARD_NAME})")
        actual = sha256_of(path)
        if actual != expected:
            raise JudgeError(
                f"{path}: SHA-256 {actual} does not match the model card's {expected}; "
                "the file was changed or replaced after the card was written — retrain or restore it"
            )
        return path


class Judge:
    """Scores sentences for each pattern label; thread-compatible, one session per instance."""

    def __init__(self, card: JudgeCard, threads: int = 1, batch_size: int | None = None) -> None:
        model_path = card.verified(card.model_file, card.model_sha256)
        tokenizer_path = card.verified(card.tokenizer_file, card.tokenizer_sha256)
        options = ort.SessionOptions()
        # One intra-op thread by default: the detector already runs one process per core.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=card.max_length)
        self._tokenizer.no_padding()
        self._batch_size = batch_size or card.batch_size
        self.card = card
        self.labels: tuple[str, ...] = card.labels
        self.thresholds: dict[str, float] = dict(card.thresholds)
        log.debug("judge_loaded", model=str(model_path), labels=self.labels, threads=threads)

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        """One ``{label: probability}`` per sentence, in input order.

        Sentences are batched by token length so a batch pads little (and run one at a time
        where the card says so)."""
        if not sentences:
            return []
        encodings = self._tokenizer.encode_batch(list(sentences))
        order = sorted(range(len(sentences)), key=lambda i: len(encodings[i].ids))
        scores = np.zeros((len(sentences), len(self.labels)), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            (logits,) = self._session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
            scores[batch] = 1.0 / (1.0 + np.exp(-logits))
        return [dict(zip(self.labels, map(float, row), strict=False)) for row in scores]


def load_judge(path: Path | None = None, *, threads: int = 1, batch_size: int | None = None) -> Judge:
    """The judge described by the model card at ``path`` (directory or card file); by default
    the model shipped in ``services/detector/model``. Raises ``JudgeError`` on any mismatch.
    ``batch_size`` overrides the card's sentences per run (for measuring, not for service)."""
    return Judge(JudgeCard.read(path or MODEL_DIR), threads=threads, batch_size=batch_size)
