"""ONNX export of the trained classifier and int8 dynamic quantisation.

The graph takes ``input_ids`` and ``attention_mask`` (int64, [batch, tokens], both axes
dynamic) and returns ``logits`` ([batch, labels]); the runtime judge applies the sigmoid, so
the card's thresholds and the logits stay separable. The TorchScript-based exporter is used
(``dynamo=False``): the module is plain torch and needs no tracing of Python control flow.
"""

from __future__ import annotations

from pathlib import Path

import structlog
import torch

from services.detector.training.encoder import SentenceClassifier

log = structlog.get_logger(__name__)

OPSET = 17


def export_onnx(model: SentenceClassifier, path: Path) -> Path:
    """Writes the fp32 ONNX graph to ``path``."""
    model.eval()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch"},
        },
        opset_version=OPSET,
        do_constant_folding=True,
        dynamo=False,
    )
    log.info("exported", path=str(path), bytes=path.stat().st_size)
    return path


def quantise_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of the weights, one scale per output channel (per-tensor
    scales flipped about twice as many decisions on the labelled set); activations stay float."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
    log.info("quantised", path=str(target), bytes=target.stat().st_size)
    return target
