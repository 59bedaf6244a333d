"""MiniLM-L6 (a 6-layer BERT) with mean+max pooling and a small multi-label head, in plain torch.

Written out rather than taken from ``transformers`` so that the module that is trained is the
module that is exported: a small graph (embeddings, six post-norm layers, masked mean pool,
one linear layer) that the ONNX exporter handles without model-zoo special cases.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

HIDDEN = 384
HEADS = 12
LAYERS = 6  # in the base model; a classifier may keep fewer (the lower ones)
INTERMEDIATE = 1536
VOCAB = 30522
POSITIONS = 512
EPS = 1e-12
HEAD_HIDDEN = 256


class _Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attention_out = nn.Linear(HIDDEN, HIDDEN)
        self.attention_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, INTERMEDIATE)
        self.output = nn.Linear(INTERMEDIATE, HIDDEN)
        self.output_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(0.1)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        batch, length, _ = hidden.shape
        head = HIDDEN // HEADS

        def split(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, length, HEADS, head).transpose(1, 2)

        q, k, v = split(self.query(hidden)), split(self.key(hidden)), split(self.value(hidden))
        scores = q @ k.transpose(-1, -2) / math.sqrt(head) + additive_mask
        context = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(batch, length, HIDDEN)
        hidden = self.attention_norm(hidden + self.dropout(self.attention_out(context)))
        inner = nn.functional.gelu(self.intermediate(hidden))
        out: torch.Tensor = self.output_norm(hidden + self.dropout(self.output(inner)))  # Module calls are Any
        return out


class SentenceClassifier(nn.Module):
    """Token ids and attention mask in, one logit per label out (sigmoid: independent labels)."""

    def __init__(self, n_labels: int, layers: int = LAYERS) -> None:
        super().__init__()
        self.depth = layers
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(2, HIDDEN)
        self.embedding_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(0.1)
        self.layers = nn.ModuleList(_Layer() for _ in range(layers))
        # Mean and max pool side by side, one hidden layer: with the encoder frozen (the CPU
        # budget's default) the head must do more than a linear read-out of the mean.
        self.head = nn.Sequential(
            nn.Linear(2 * HIDDEN, HEAD_HIDDEN), nn.GELU(), nn.Dropout(0.1), nn.Linear(HEAD_HIDDEN, n_labels)
        )

    def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, layers: int) -> torch.Tensor:
        """Hidden states after the embeddings and the first ``layers`` layers.

        Training freezes the lower layers, so their output is computed once per sentence and
        cached; only the upper layers and the head see gradients."""
        length = input_ids.shape[1]
        positions = torch.arange(length, device=input_ids.device).unsqueeze(0)
        hidden: torch.Tensor = (
            self.word_embeddings(input_ids)
            + self.position_embeddings(positions)
            + self.token_type_embeddings(torch.zeros_like(input_ids))
        )
        hidden = self.dropout(self.embedding_norm(hidden))
        additive = _additive(attention_mask, hidden.dtype)
        for layer in self.layers[:layers]:
            hidden = layer(hidden, additive)
        return hidden

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int) -> torch.Tensor:
        """Logits from hidden states after layer ``start``: the remaining layers, mean pool, head."""
        additive = _additive(attention_mask, hidden.dtype)
        for layer in self.layers[start:]:
            hidden = layer(hidden, additive)
        mask = attention_mask.to(hidden.dtype).unsqueeze(-1)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        peak = (hidden + (mask - 1.0) * 1e4).max(1).values
        logits: torch.Tensor = self.head(self.dropout(torch.cat([mean, peak], dim=-1)))  # Module calls are Any
        return logits

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.upper(self.lower(input_ids, attention_mask, self.depth), attention_mask, self.depth)


def _additive(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Padding mask as a large negative bias on attention scores."""
    return (1.0 - attention_mask.to(dtype))[:, None, None, :] * -1e4


_RENAMES = {
    "attention.self.query": "query",
    "attention.self.key": "key",
    "attention.self.value": "value",
    "attention.output.dense": "attention_out",
    "attention.output.LayerNorm": "attention_norm",
    "intermediate.dense": "intermediate",
    "output.dense": "output",
    "output.LayerNorm": "output_norm",
}


def _our_name(name: str) -> str | None:
    if name.startswith("embeddings."):
        rest = name.removeprefix("embeddings.")
        if rest.startswith("position_ids"):
            return None
        return rest.replace("LayerNorm", "embedding_norm")
    if name.startswith("encoder.layer."):
        index, rest = name.removeprefix("encoder.layer.").split(".", 1)
        stem, param = rest.rsplit(".", 1)
        return f"layers.{index}.{_RENAMES[stem]}.{param}"
    return None  # the BERT pooler is not used: the sentence vector is the mean of tokens


def from_pretrained(weights: Path, n_labels: int, seed: int, layers: int = LAYERS) -> SentenceClassifier:
    """The base encoder's lower ``layers`` layers, a freshly initialised head (seeded).

    Keeping fewer layers trades some accuracy for speed: the judge's cost is linear in depth."""
    torch.manual_seed(seed)
    model = SentenceClassifier(n_labels, layers)
    state = {}
    for name, tensor in load_file(str(weights)).items():
        ours = _our_name(name)
        if ours is not None and ours.startswith("layers.") and int(ours.split(".")[1]) >= layers:
            continue
        if ours is not None:
            state[ours] = tensor
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not name.startswith("head.") for name in missing):
        raise RuntimeError(f"base weights do not fit the encoder: missing {missing}, unexpected {unexpected}")
    for module in model.head:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)
    return model
