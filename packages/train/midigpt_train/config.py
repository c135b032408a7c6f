"""TrainConfig: the reference's fields and defaults (training.md §5.2)."""
from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass


@dataclass
class TrainConfig:
    output_dir: str = "checkpoints"
    encoder_config_path: str = ""  # unused here: the dataset carries its encoder config
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    warmup_steps: int = 500
    lr_scheduler_type: str = "linear"
    num_epochs: int = 10
    max_steps: int = 0
    per_device_batch_size: int = 4
    gradient_accumulation_steps: int = 8
    seed: int = 42
    num_workers: int = 0
    n_embd: int = 512
    n_layer: int = 6
    n_head: int = 8
    precision: str = "fp16"
    max_seq_len: int = 2048
    save_steps: int = 1000
    eval_steps: int = 500
    limit_val_batches: int = 0
    logging_steps: int = 50
    logger: str = "none"
    wandb_project: str = "midigpt"
    wandb_entity: str = ""
    max_tracks: int = 12
    min_tracks: int = 1
    min_fill_ratio: float = 0.75
    infill_probability: float = 0.75
    infill_bar_fraction: float = 0.5
    mask_apply_probability: float = 0.5
    mask_mode: int = 2
    mask_bar_fraction: float = 0.25
    mask_max_lookahead: int = 4

    @classmethod
    def from_file(cls, path: str) -> "TrainConfig":
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: a training config is a JSON object")
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - set(known))
        if unknown:  # the reference drops them silently; a typo should not pass unnoticed
            print(f"midigpt-train: ignoring unknown config keys: {', '.join(unknown)}", file=sys.stderr)
        values = {k: v for k, v in raw.items() if k in known}
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        checks = [
            (self.learning_rate > 0, "learning_rate must be positive"),
            (self.per_device_batch_size >= 1, "per_device_batch_size must be at least 1"),
            (self.gradient_accumulation_steps >= 1, "gradient_accumulation_steps must be at least 1"),
            (self.max_seq_len >= 2, "max_seq_len must be at least 2"),
            (self.n_embd % self.n_head == 0, "n_embd must be a multiple of n_head"),
            (self.precision in ("fp16", "bf16", "fp32"), "precision must be fp16, bf16 or fp32"),
            (self.max_steps > 0 or self.num_epochs > 0, "set max_steps or num_epochs"),
            (self.save_steps >= 1 and self.eval_steps >= 1 and self.logging_steps >= 1, "save/eval/logging steps must be at least 1"),
        ]
        problems = [message for ok, message in checks if not ok]
        if problems:
            raise ValueError("invalid training config: " + "; ".join(problems))
