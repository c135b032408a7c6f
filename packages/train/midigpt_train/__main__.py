"""python -m midigpt_train --config CONFIG.json --data DATASET --out DIR"""
from __future__ import annotations

import argparse
import sys

from .config import TrainConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="midigpt train", description="Train or fine-tune a MIDI-GPT model on a dataset folder.")
    parser.add_argument("--config", required=True, help="training config JSON (the reference's TrainConfig fields)")
    parser.add_argument("--data", required=True, help="a folder written by `midigpt dataset build`")
    parser.add_argument("--out", help="output folder (default: the config's output_dir)")
    parser.add_argument("--init-from", help="a .safetensors bundle to fine-tune from")
    parser.add_argument("--max-steps", type=int, help="override max_steps")
    parser.add_argument("--stop-at", type=int, help="stop after this optimizer step, leaving a checkpoint to resume from")
    parser.add_argument("--no-resume", action="store_true", help="start over even if OUT has a checkpoint")
    args = parser.parse_args(argv)
    try:
        config = TrainConfig.from_file(args.config)
        if args.max_steps is not None:
            config.max_steps = args.max_steps
        out = args.out or config.output_dir
        from .trainer import Trainer  # imports torch: after the arguments are known to be good

        Trainer(config, args.data, out, init_from=args.init_from, resume=not args.no_resume).train(stop_at=args.stop_at)
    except (ValueError, OSError, RuntimeError) as error:
        print(f"midigpt train: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
