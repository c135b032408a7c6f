"""python -m midigpt_train --config CONFIG.json --data DATASET --out DIR [--log-every N] [--progress-json]"""
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
    parser.add_argument("--log-every", type=int, default=10, metavar="N",
                        help="a progress line on stderr (step, loss, lr, tokens/s, ETA) every N optimizer steps, and at the first and last (default 10; 0: only the summary)")
    parser.add_argument("--progress-json", action="store_true",
                        help="also write one JSON object per optimizer step to stdout, and one at the start and the end (for front ends)")
    args = parser.parse_args(argv)
    if args.log_every < 0:
        parser.error("--log-every must be 0 or more")
    try:
        config = TrainConfig.from_file(args.config)
        if args.max_steps is not None:
            config.max_steps = args.max_steps
        out = args.out or config.output_dir
        from .trainer import Trainer  # imports torch: after the arguments are known to be good

        trainer = Trainer(config, args.data, out, init_from=args.init_from, resume=not args.no_resume)
        trainer.train(stop_at=args.stop_at, log_every=args.log_every, progress_json=sys.stdout if args.progress_json else None)
    except (ValueError, OSError, RuntimeError) as error:
        print(f"midigpt train: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
