"""python -m midigpt_train.evaluate: validation loss and perplexity of a bundle
next to two baselines, on the trainer's own fixed validation set.

- the model: teacher-forced cross-entropy per token (the number the trainer logs);
- a unigram baseline: token frequencies counted on training samples;
- the untrained model: the same architecture at its seeded initialization.

Also counts the training tokens a run of `steps` optimizer steps has seen (the
sample stream is seeded, so the count is exact without a log of it)."""
from __future__ import annotations

import argparse
import json
import math
import sys

import torch

from .bundle import load_bundle
from .config import TrainConfig
from .data import SampleStream, read_manifest
from .model import GPT2
from .trainer import _sample_options, mean_loss, validation_batches


def unigram_loss(data_dir: str, config: TrainConfig, batches: list[list[torch.Tensor]], samples: int) -> float:
    """Cross-entropy of add-one-smoothed token frequencies from `samples` training samples."""
    vocab = read_manifest(data_dir)["encoder"]["vocabSize"]
    counts = torch.ones(vocab, dtype=torch.float64)
    stream = SampleStream(data_dir, "train", config.seed, _sample_options(config, config.infill_probability))
    try:
        seen = 0
        for sample in stream:
            if sample is None or len(sample) < 2:
                continue
            counts += torch.bincount(sample, minlength=vocab).double()
            seen += 1
            if seen == samples:
                break
    finally:
        stream.close()
    log_p = (counts / counts.sum()).log()
    total, tokens = 0.0, 0
    for batch in batches:
        for sample in batch:
            total -= float(log_p[sample[1:]].sum())
            tokens += len(sample) - 1
    return total / tokens


def tokens_seen(data_dir: str, config: TrainConfig, steps: int) -> int:
    """Tokens in the first `steps` optimizer steps of a one-process run (the stream is seeded)."""
    wanted = steps * config.per_device_batch_size * config.gradient_accumulation_steps
    stream = SampleStream(data_dir, "train", config.seed, _sample_options(config, config.infill_probability))
    total, used = 0, 0
    try:
        for sample in stream:
            if used == wanted:
                break
            if sample is not None and len(sample) >= 2:
                total += len(sample)
                used += 1
    finally:
        stream.close()
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m midigpt_train.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the training config the bundle was trained with")
    parser.add_argument("--data", required=True, help="the dataset folder it was trained on")
    parser.add_argument("--bundle", required=True, help="the .safetensors bundle to evaluate")
    parser.add_argument("--steps", type=int, help="optimizer steps the bundle was trained for (reports tokens seen)")
    parser.add_argument("--unigram-samples", type=int, default=2000, help="training samples counted for the unigram baseline")
    args = parser.parse_args(argv)
    try:
        config = TrainConfig.from_file(args.config)
        batches = validation_batches(args.data, config)
        if not batches:
            raise ValueError(f"{args.data} has no validation pieces")
        cpu = torch.device("cpu")
        model_config, _, state = load_bundle(args.bundle)
        shape = (model_config["vocab_size"], model_config["n_positions"], model_config["n_embd"], model_config["n_layer"], model_config["n_head"])
        trained = GPT2(*shape)
        trained.load_state_dict(state, strict=True)
        torch.manual_seed(config.seed)
        untrained = GPT2(*shape)
        losses = {
            "model": mean_loss(trained.eval(), batches, cpu),
            "untrained": mean_loss(untrained.eval(), batches, cpu),
            "unigram": unigram_loss(args.data, config, batches, args.unigram_samples),
        }
        report = {
            "parameters": sum(p.numel() for p in trained.parameters()),
            "validation_samples": sum(len(b) for b in batches),
            "validation_tokens": sum(len(s) - 1 for b in batches for s in b),
            **{f"{name}_loss": loss for name, loss in losses.items()},
            **{f"{name}_perplexity": math.exp(min(loss, 50)) for name, loss in losses.items()},
        }
        if args.steps is not None:
            report["steps"] = args.steps
            report["tokens_seen"] = tokens_seen(args.data, config, args.steps)
    except (ValueError, OSError, RuntimeError) as error:
        print(f"midigpt_train.evaluate: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
