"""``tocsin train``: fine-tune the detector's judge on labelled JSONL files.

``tocsin train --data FILE [FILE ...] [--out DIR] [--epochs N] [--folds K] [--oof FILE]``
cross-validates (folds grouped by source article), trains on everything, exports ONNX
(int8 weights in the frozen layers unless ``--frozen-precision fp32``, and in the fine-tuned
ones after training unless ``--fine-tuned-precision fp32``) and writes the model card into DIR. Needs the optional
``train`` extra (torch); the service itself never imports it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from services.cli.main import add_config_argument

EXIT_FAILED = 1
EXIT_MISSING_EXTRA = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("train", help="train the detector's judge on labelled sentences")
    add_config_argument(parser)
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        required=True,
        metavar="FILE",
        help="labelled JSONL (label/source), event-coded (gold_code) or general-news (category) files",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the model and its card go (default: the shipped services/detector/model)",
    )
    parser.add_argument("--epochs", type=int, default=None, help="training epochs (default from HyperParameters)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds by source article; 0 skips")
    parser.add_argument("--oof", type=Path, default=None, metavar="FILE", help="write out-of-fold probabilities here")
    parser.add_argument("--general-sample", type=int, default=None, help="general-news negatives per training run")
    parser.add_argument(
        "--trainable-layers",
        type=int,
        default=None,
        help="upper encoder layers fine-tuned (0: encoder frozen, head only)",
    )
    parser.add_argument(
        "--encoder-layers",
        type=int,
        default=None,
        help="lower layers of the base encoder kept (fewer: faster judge, less accurate)",
    )
    parser.add_argument(
        "--frozen-precision",
        choices=("int8", "fp32"),
        default=None,
        help="weights of the frozen layers, in training and in the shipped graph (default int8: faster)",
    )
    parser.add_argument(
        "--fine-tuned-precision",
        choices=("int8", "fp32"),
        default=None,
        help="weights of the fine-tuned layers in the shipped graph, quantised after training (default int8: faster)",
    )
    parser.add_argument(
        "--states-cache",
        type=Path,
        default=None,
        metavar="FILE",
        help="cache of the frozen layers' outputs, reused across runs (keep outside the repo)",
    )
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.set_defaults(handler=_train)


def _train(args: argparse.Namespace) -> int:
    from services.cli.common import settings_or_exit

    settings_or_exit(args)
    try:
        import torch

        from services.detector.judge import MODEL_DIR
        from services.detector.training.base_model import BaseModelError
        from services.detector.training.data import DataError
        from services.detector.training.fit import HyperParameters
        from services.detector.training.pipeline import run
    except ModuleNotFoundError as exc:
        print(f"tocsin train: {exc.name} is missing; install the extra: pip install -e '.[train]'", file=sys.stderr)
        return EXIT_MISSING_EXTRA
    for path in args.data:
        if not path.is_file():
            print(f"tocsin train: {path}: no such file", file=sys.stderr)
            return EXIT_FAILED
    if args.threads:
        torch.set_num_threads(args.threads)
    overrides = {}
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    if args.general_sample is not None:
        overrides["general_news_sample"] = args.general_sample
    if args.encoder_layers is not None:
        overrides["encoder_layers"] = args.encoder_layers
    if args.trainable_layers is not None:
        overrides["trainable_layers"] = args.trainable_layers
    if args.frozen_precision is not None:
        overrides["frozen_precision"] = args.frozen_precision
    if args.fine_tuned_precision is not None:
        overrides["fine_tuned_precision"] = args.fine_tuned_precision
    params = HyperParameters(**overrides)
    try:
        result = run(
            args.data,
            args.out or MODEL_DIR,
            params,
            folds=args.folds,
            oof_path=args.oof,
            states_cache=args.states_cache,
        )
    except (BaseModelError, DataError) as exc:
        print(f"tocsin train: {exc}", file=sys.stderr)
        return EXIT_FAILED
    cv = result.card.get("cross_validation")
    if cv:
        for label, fig in cv["at_thresholds"].items():
            print(
                f"{label:<18} threshold {fig['threshold']:.2f}  P {fig['precision']:.3f}  R {fig['recall']:.3f}  "
                f"general-news alarms/1000 {fig['general_news_alarms_per_1000']:.1f}"
            )
    print(f"model written to {result.out} ({result.card['runtime']['model_file']})")
    return 0
