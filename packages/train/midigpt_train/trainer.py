"""The training loop (training.md §5): AdamW, warmup + decay, gradient
accumulation and clipping, AMP on GPU, periodic evaluation, checkpoints with
exact resume, JSONL metrics, fine-tuning from a bundle, and DDP under torchrun.
Rank 0 alone writes files (B6); the schedule and the stop share one horizon
(B5); evaluation counts optimizer steps (B16) on a fixed set (B14)."""
from __future__ import annotations

import collections
import contextlib
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict

import torch
import torch.nn.functional as F

from .bundle import load_bundle, save_bundle
from .config import TrainConfig
from .data import SampleStream, collate, pieces_in, read_manifest
from .model import GPT2
from .schedule import lr_multiplier


def _log(message: str) -> None:
    print(f"midigpt-train: {message}", file=sys.stderr, flush=True)


def format_duration(seconds: float) -> str:
    """45s, 4m05s, 3h07m."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """Where a run stands, for people and for programs. A line on stderr at
    this run's first step, every `every` optimizer steps and at its last
    (`every` 0: none), and with `json_out` one JSON object per step on it (the
    CLI draws its progress bar from them). Loss and tokens/s are over the last
    `every` steps (10 when `every` is 0); the ETA extrapolates this run's pace,
    evaluation and checkpoints included."""

    def __init__(self, first: int, total: int, end: int, every: int = 10, json_out=None, clock=time.monotonic):
        self.first, self.total, self.end, self.every, self.json_out, self.clock = first, total, end, every, json_out, clock
        self.started = clock()
        self.recent: collections.deque = collections.deque(maxlen=every or 10)  # (loss, tokens, seconds) per step
        self.tokens, self.seconds = 0, 0.0
        self._emit({"event": "start", "step": first, "total": total, "end": end})

    def _emit(self, record: dict) -> None:
        if self.json_out is not None:
            self.json_out.write(json.dumps(record) + "\n")
            self.json_out.flush()

    def step(self, step: int, loss: float, tokens: int, seconds: float, lr: float) -> None:
        """Step `step` is done: its mean loss, the tokens it trained on (all ranks) and the seconds it took."""
        self.recent.append((loss, tokens, seconds))
        self.tokens += tokens
        self.seconds += seconds
        eta = (self.end - step) * (self.clock() - self.started) / max(1, step - self.first)
        record = {"event": "step", "step": step, "total": self.total, "loss": sum(r[0] for r in self.recent) / len(self.recent), "lr": lr,
                  "tokens_per_second": sum(r[1] for r in self.recent) / max(1e-9, sum(r[2] for r in self.recent)), "eta_seconds": eta}
        self._emit(record)
        if self.every and (step % self.every == 0 or step == self.first + 1 or step == self.end):
            _log(f"step {step}/{self.total} loss {record['loss']:.4f} lr {lr:.2e} {record['tokens_per_second']:.0f} tok/s ETA {format_duration(eta)}")

    def finish(self, step: int, val_loss: float | None = None, model: str | None = None) -> None:
        """The summary: always on stderr, and as a JSON object on `json_out`."""
        elapsed = self.clock() - self.started
        tokens_per_second = self.tokens / max(1e-9, self.seconds)
        loss = sum(r[0] for r in self.recent) / len(self.recent) if self.recent else None
        self._emit({"event": "done", "step": step, "total": self.total, "steps": step - self.first, "seconds": elapsed,
                    "tokens_per_second": tokens_per_second, "loss": loss, "val_loss": val_loss, "model": model})
        head = f"done: step {step}/{self.total}" if step >= self.total else f"stopped at step {step}/{self.total}"
        parts = [f"{step - self.first} steps in {format_duration(elapsed)}" + (f", {tokens_per_second:.0f} tok/s" if self.seconds else "")]
        if loss is not None:
            parts.append(f"loss {loss:.4f}")
        if val_loss is not None:
            parts.append(f"validation loss {val_loss:.4f}")
        tail = f"; model: {model}" if model else "; run the same command again to resume"
        _log(f"{head} ({', '.join(parts)}){tail}")


def _sample_options(config: TrainConfig, infill: float) -> dict:
    return {"--max-seq-len": config.max_seq_len, "--infill-probability": infill, "--max-tracks": config.max_tracks}


def _loss(model: torch.nn.Module, ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    logits = model(ids)
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), labels[:, 1:].reshape(-1), ignore_index=-100)


def _next_batch(stream_iter, size: int) -> tuple[list[torch.Tensor], int]:
    """`size` non-empty samples and the number of frames they took."""
    batch, frames = [], 0
    while len(batch) < size:
        sample = next(stream_iter)
        frames += 1
        if sample is not None and len(sample) >= 2:
            batch.append(sample)
    return batch, frames


def validation_batches(data_dir: str, config: TrainConfig) -> list[list[torch.Tensor]]:
    """One sample per validation piece, drawn with a fixed seed: losses compare run to run (B14)."""
    manifest = read_manifest(data_dir)
    count = pieces_in(manifest, "validation")
    if count == 0:
        return []
    stream = SampleStream(data_dir, "validation", 0, _sample_options(config, config.infill_probability))
    limit = config.limit_val_batches or math.inf
    batches, batch = [], []
    try:
        for i, sample in zip(range(count), stream):
            if sample is not None and len(sample) >= 2:
                batch.append(sample)
            if len(batch) == config.per_device_batch_size or (i == count - 1 and batch):
                batches.append(batch)
                batch = []
            if len(batches) >= limit:
                break
    finally:
        stream.close()
    return batches


@torch.no_grad()
def mean_loss(model: torch.nn.Module, batches: list[list[torch.Tensor]], device: torch.device, amp_dtype=None) -> float:
    """Cross-entropy per predicted token over `batches` (every token after the first of a sample)."""
    total, tokens = 0.0, 0
    for batch in batches:
        ids, labels = collate(batch, device)
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            loss = _loss(model, ids, labels)
        n = int((labels[:, 1:] != -100).sum())
        total += float(loss) * n
        tokens += n
    return total / max(1, tokens)


class Trainer:
    def __init__(self, config: TrainConfig, data_dir: str, out_dir: str, init_from: str | None = None, resume: bool = True):
        self.config, self.data_dir, self.out_dir = config, data_dir, out_dir
        self.rank = int(os.environ.get("RANK", "0"))
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() else "cpu")
        if self.world > 1:
            torch.distributed.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
        if self.device.type == "cuda":
            torch.cuda.set_device(self.device)
        elif "OMP_NUM_THREADS" not in os.environ:
            # Some builds (Debian's) start with one thread; share the cores among the local ranks.
            local = int(os.environ.get("LOCAL_WORLD_SIZE", os.environ.get("WORLD_SIZE", "1")))
            torch.set_num_threads(max(1, len(os.sched_getaffinity(0)) // local))
        self.manifest = read_manifest(data_dir)
        encoder = self.manifest["encoder"]
        torch.manual_seed(config.seed)
        random.seed(config.seed)
        self.model = GPT2(encoder["vocabSize"], config.max_seq_len, config.n_embd, config.n_layer, config.n_head).to(self.device)
        if init_from:
            self._load_weights(init_from)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay, betas=(0.9, 0.999), eps=1e-8)
        train_pieces = pieces_in(self.manifest, "train")
        per_step = config.per_device_batch_size * config.gradient_accumulation_steps * self.world
        self.total_steps = config.max_steps if config.max_steps > 0 else math.ceil(train_pieces * config.num_epochs / per_step)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: lr_multiplier(s, config.warmup_steps, self.total_steps, config.lr_scheduler_type))
        amp = self.device.type == "cuda" and config.precision != "fp32"
        self.amp_dtype = (torch.bfloat16 if config.precision == "bf16" else torch.float16) if amp else None
        self.scaler = torch.cuda.amp.GradScaler(enabled=amp and config.precision == "fp16")
        self.step = 0
        self.consumed = 0  # frames of this rank's stream used so far: the resume point
        self.checkpoint_dir = os.path.join(out_dir, "checkpoints")
        if resume:
            self._resume()
        self.net = torch.nn.parallel.DistributedDataParallel(self.model) if self.world > 1 else self.model
        self.eval_batches = validation_batches(data_dir, config) if self.rank == 0 else []

    # ---- weights and checkpoints ----------------------------------------------------------

    def _load_weights(self, path: str) -> None:
        config, _, state = load_bundle(path)
        mine = self.model.config
        if {k: config.get(k) for k in mine if k != "n_positions"} != {k: v for k, v in mine.items() if k != "n_positions"}:
            raise ValueError(f"{path} is a {config} model; the training config asks for {mine}")
        if config["n_positions"] < mine["n_positions"]:
            raise ValueError(f"{path} has {config['n_positions']} positions; max_seq_len is {mine['n_positions']}")
        state["transformer.wpe.weight"] = state["transformer.wpe.weight"][: mine["n_positions"]]
        self.model.load_state_dict(state, strict=True)
        _log(f"fine-tuning from {path}")

    def _resume(self) -> None:
        path = os.path.join(self.checkpoint_dir, "last.pt")
        if not os.path.exists(path):
            return
        state = torch.load(path, map_location=self.device)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        self.step, self.consumed = state["step"], state["consumed"][self.rank]
        torch.set_rng_state(state["torch_rng"])
        _log(f"resumed at step {self.step} from {path}")

    def _save(self, final: bool = False) -> None:
        consumed = [self.consumed]
        if self.world > 1:  # every rank's stream position, so each resumes exactly
            gathered = [0] * self.world
            torch.distributed.all_gather_object(gathered, self.consumed)
            consumed = gathered
        if self.rank != 0:
            return
        os.makedirs(self.checkpoint_dir, exist_ok=True)
        encoder = self.manifest["encoder"]["config"]
        if final:
            save_bundle(os.path.join(self.out_dir, "model_final.safetensors"), self.model.state_dict(), self.model.config, encoder)
            return
        state = {
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(), "step": self.step, "consumed": consumed, "torch_rng": torch.get_rng_state(),
            "config": asdict(self.config),
        }
        tmp = os.path.join(self.checkpoint_dir, f"last.pt.{os.getpid()}.tmp")
        torch.save(state, tmp)
        os.replace(tmp, os.path.join(self.checkpoint_dir, "last.pt"))
        save_bundle(os.path.join(self.checkpoint_dir, f"model-step={self.step}.safetensors"), self.model.state_dict(), self.model.config, encoder)

    # ---- evaluation -----------------------------------------------------------------------

    def evaluate(self) -> float | None:
        if not self.eval_batches:
            return None
        self.model.eval()
        loss = mean_loss(self.model, self.eval_batches, self.device, self.amp_dtype)
        self.model.train()
        return loss

    # ---- the loop -------------------------------------------------------------------------

    def _metrics(self, record: dict) -> None:
        if self.rank != 0:
            return
        os.makedirs(self.out_dir, exist_ok=True)
        with open(os.path.join(self.out_dir, "metrics.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def train(self, stop_at: int | None = None, log_every: int = 10, progress_json=None) -> None:
        """Trains to the end, or until step `stop_at` (then a checkpoint is left to resume from).
        Progress: a line on stderr every `log_every` steps, and one JSON object per step on `progress_json`
        (a text stream) when given; a summary at the end."""
        c = self.config
        end = min(self.total_steps, stop_at) if stop_at is not None else self.total_steps
        params = sum(p.numel() for p in self.model.parameters())
        _log(f"{params / 1e6:.2f} M parameters, {self.total_steps} steps of {c.per_device_batch_size}x{c.gradient_accumulation_steps}x{self.world} samples on {self.device}")
        lead = self.rank == 0
        progress = Progress(self.step, self.total_steps, end, log_every if lead else 0, progress_json if lead else None)
        stream = SampleStream(self.data_dir, "train", c.seed, _sample_options(c, c.infill_probability), start=self.consumed, shard=(self.rank, self.world))
        samples = iter(stream)
        started, window_loss, window_tokens, window_steps = time.time(), 0.0, 0, 0
        val = None
        try:
            while self.step < end:
                step_started, step_loss, step_tokens = time.monotonic(), 0.0, 0
                for micro in range(c.gradient_accumulation_steps):
                    batch, frames = _next_batch(samples, c.per_device_batch_size)
                    self.consumed += frames
                    ids, labels = collate(batch, self.device)
                    sync = micro == c.gradient_accumulation_steps - 1 or self.world == 1
                    context = self.net.no_sync() if not sync and self.world > 1 else contextlib.nullcontext()
                    with context, torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
                        loss = _loss(self.net, ids, labels)
                    self.scaler.scale(loss / c.gradient_accumulation_steps).backward()
                    step_loss += float(loss)
                    step_tokens += int((labels != -100).sum())
                window_loss += step_loss
                window_tokens += step_tokens
                window_steps += c.gradient_accumulation_steps
                self.scaler.unscale_(self.optimizer)
                if c.max_grad_norm > 0:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), c.max_grad_norm)
                self.scaler.step(self.optimizer)
                self.scaler.update()
                self.optimizer.zero_grad(set_to_none=True)
                self.scheduler.step()
                self.step += 1
                progress.step(self.step, step_loss / c.gradient_accumulation_steps, step_tokens * self.world,
                              time.monotonic() - step_started, self.scheduler.get_last_lr()[0])
                if self.step % c.logging_steps == 0 or self.step == self.total_steps:
                    elapsed = time.time() - started
                    record = {"step": self.step, "train/loss": window_loss / window_steps, "lr": self.scheduler.get_last_lr()[0],
                              "tokens_per_second": window_tokens * self.world / max(elapsed, 1e-9)}
                    self._metrics(record)
                    started, window_loss, window_tokens, window_steps = time.time(), 0.0, 0, 0
                if self.step % c.eval_steps == 0 or self.step == self.total_steps:
                    val = self.evaluate()
                    if val is not None:
                        self._metrics({"step": self.step, "val/loss": val, "val/perplexity": math.exp(min(val, 50))})
                        _log(f"step {self.step} validation loss {val:.4f} (perplexity {math.exp(min(val, 50)):.2f})")
                if self.step % c.save_steps == 0 or self.step == end:
                    self._save()
            final = None
            if self.step == self.total_steps:
                self._save(final=True)
                final = os.path.join(self.out_dir, "model_final.safetensors")
            if lead:
                progress.finish(self.step, val, final)
        except KeyboardInterrupt:
            if lead:
                _log(f"interrupted at step {self.step}/{self.total_steps}: run the same command again to resume from the last checkpoint")
            raise
        finally:
            stream.close()
            if self.world > 1:
                torch.distributed.destroy_process_group()
