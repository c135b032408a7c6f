"""Learning-rate multiplier per optimizer step (training.md §5.5), with the
reference's schedule bugs fixed: one horizon for the schedule and the stop
condition, progress clamped so cosine never rises again (B5), and the first
update not at LR 0 (B7)."""
from __future__ import annotations

import math


def lr_multiplier(step: int, warmup: int, total: int, kind: str) -> float:
    if step < warmup:
        return (step + 1) / warmup
    if kind == "constant":
        return 1.0
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    if kind == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    return 1.0 - progress  # linear, and the reference's fallback for unknown names
