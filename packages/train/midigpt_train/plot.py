"""python -m midigpt_train.plot RUN_DIR -o CURVE.png: the training curve of a
run (training and validation loss per optimizer step, from metrics.jsonl).
Needs matplotlib (Debian: python3-matplotlib)."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys


def read_metrics(run_dir: str) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(step, train loss) and (step, validation loss), the last record winning for a repeated step (a resume)."""
    path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(path):
        raise ValueError(f"{run_dir} has no metrics.jsonl: is it a training output folder?")
    train, val = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "train/loss" in record:
                train[record["step"]] = record["train/loss"]
            if "val/loss" in record:
                val[record["step"]] = record["val/loss"]
    return sorted(train.items()), sorted(val.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m midigpt_train.plot", description="Plot a run's training curve.")
    parser.add_argument("run_dir", help="a folder written by `midigpt train`")
    parser.add_argument("-o", "--out", required=True, help="the image to write (.png or .svg)")
    parser.add_argument("--title", default="Training curve")
    parser.add_argument("--baseline", action="append", default=[], metavar="NAME=LOSS",
                        help="a horizontal reference line, e.g. unigram=3.1 (repeatable)")
    args = parser.parse_args(argv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("midigpt_train.plot: matplotlib is missing (Debian: apt-get install python3-matplotlib)", file=sys.stderr)
        return 1
    try:
        train, val = read_metrics(args.run_dir)
        if not train:
            raise ValueError(f"{args.run_dir}/metrics.jsonl has no training loss yet")
        fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
        ax.plot(*zip(*train), label="training loss", color="#7a9cc6", linewidth=1)
        if val:
            ax.plot(*zip(*val), label="validation loss", color="#d0543b", linewidth=2, marker="o", markersize=3)
        baselines = []
        for item in args.baseline:
            name, _, value = item.partition("=")
            try:
                baselines.append((name, float(value)))
            except ValueError:
                raise ValueError(f"--baseline takes NAME=LOSS, e.g. unigram=4.1; got {item!r}") from None
        for name, value in baselines:
            ax.axhline(value, linestyle="--", color="#888888", linewidth=1)
            ax.text(train[-1][0], value, f"{name} {value:.2f}", va="bottom", ha="right", color="#555555", fontsize=8)
        curve = [v for _, v in val] or [train[min(len(train) - 1, 3)][1]]
        top = max(curve + [value for _, value in baselines])
        ax.set_ylim(bottom=0, top=math.ceil(top + 0.5))
        ax.set_xlabel("optimizer step")
        ax.set_ylabel("cross-entropy per token (nats)")
        ax.set_title(args.title)
        ax.grid(alpha=0.3)
        ax.legend(loc="center right")
        fig.tight_layout()
        tmp = f"{args.out}.{os.getpid()}.tmp{os.path.splitext(args.out)[1]}"
        fig.savefig(tmp)
        os.replace(tmp, args.out)
    except (ValueError, OSError) as error:
        print(f"midigpt_train.plot: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
