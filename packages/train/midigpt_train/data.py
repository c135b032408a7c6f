"""Batches from `midigpt dataset samples`: the C++ core builds samples in a
child process (seeded: the same run gives the same batches) while the GPU
trains; a thread reads the uint16 frames into a bounded queue."""
from __future__ import annotations

import json
import os
import queue
import shlex
import struct
import subprocess
import threading
from typing import Iterator

import torch


def midigpt_command() -> list[str]:
    """The CLI that streams samples: MIDIGPT_CLI (a command line), else `midigpt` on PATH."""
    return shlex.split(os.environ.get("MIDIGPT_CLI", "midigpt"))


def read_manifest(data_dir: str) -> dict:
    path = os.path.join(data_dir, "manifest.json")
    if not os.path.exists(path):
        raise ValueError(f"{data_dir} is not a dataset folder (no manifest.json); build one with `midigpt dataset build`")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pieces_in(manifest: dict, split: str) -> int:
    return sum(1 for p in manifest["pieces"] if split == "all" or p["split"] == split)


class SampleStream:
    """Token lists of one split, from a sample position onwards (for exact resume)."""

    def __init__(self, data_dir: str, split: str, seed: int, options: dict, start: int = 0, shard: tuple[int, int] = (0, 1)):
        manifest = read_manifest(data_dir)
        rank, world = shard
        pieces = pieces_in(manifest, split)
        if pieces == 0:
            raise ValueError(f"the dataset has no {split} pieces")
        # Frames per epoch for this shard: one per piece position i with i % world == rank.
        self.per_epoch = len(range(rank, pieces, world))
        epoch, self._skip = divmod(start, self.per_epoch) if self.per_epoch else (0, 0)
        args = [*midigpt_command(), "dataset", "samples", data_dir, "--seed", str(seed), "--split", split,
                "--start-epoch", str(epoch), "--epochs", str(2**20 - epoch), "--shard", f"{rank}/{world}"]
        for flag, value in options.items():
            args += [flag, str(value)]
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._queue: queue.Queue = queue.Queue(maxsize=1024)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        out = self._process.stdout
        assert out is not None
        try:
            while True:
                head = out.read(4)
                if len(head) < 4:
                    break
                (n,) = struct.unpack("<I", head)
                body = out.read(2 * n)
                if len(body) < 2 * n:
                    break
                self._queue.put(torch.frombuffer(bytearray(body), dtype=torch.int16).to(torch.int64) & 0xFFFF if n else None)
        finally:
            self._queue.put(StopIteration)

    def __iter__(self) -> Iterator[torch.Tensor]:
        while True:
            item = self._queue.get()
            if item is StopIteration:
                err = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise RuntimeError(f"the sample stream ended: {err.strip() or 'no more samples'}")
            if self._skip > 0:  # resuming: these were consumed before
                self._skip -= 1
                continue
            yield item  # None for a piece with no encodable window

    def close(self) -> None:
        self._process.kill()
        self._process.wait()


def collate(samples: list[torch.Tensor], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded ids (pad 0) and labels (pad -100), as the reference's collator (§2.7)."""
    length = max(len(s) for s in samples)
    ids = torch.zeros(len(samples), length, dtype=torch.long)
    labels = torch.full((len(samples), length), -100, dtype=torch.long)
    for i, s in enumerate(samples):
        ids[i, : len(s)] = s
        labels[i, : len(s)] = s
    return ids.to(device, non_blocking=True), labels.to(device, non_blocking=True)
