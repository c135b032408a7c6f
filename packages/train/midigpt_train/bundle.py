"""SafeTensors bundles, format_version 2 (training.md §5.8): the state dict in
float32 plus `format_version`, `arch`, `config` and `encoder_config` metadata.
Written here in a few lines because the `safetensors` package is not in
Debian; the layout is the published one (u64 header length, JSON header, raw
little-endian data), and the reference's loader and ours read it."""
from __future__ import annotations

import json
import os
import struct
from typing import Any

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def save_bundle(path: str, state_dict: dict[str, torch.Tensor], config: dict, encoder_config: Any, half: bool = False) -> None:
    """Writes atomically: a reader never sees half a bundle. `half` stores float16
    (half the size, for shipping; readers widen it back to float32)."""
    header: dict[str, Any] = {
        "__metadata__": {
            "format_version": "2",
            "arch": "gpt2",
            "config": json.dumps(config),
            "encoder_config": json.dumps(encoder_config),
        }
    }
    blobs = []
    offset = 0
    for name, tensor in state_dict.items():
        data = tensor.detach().to("cpu", torch.float16 if half else torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F16" if half else "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # tensor data starts 8-byte aligned
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def load_bundle(path: str) -> tuple[dict, Any, dict[str, torch.Tensor]]:
    """(config, encoder_config, state_dict) of a format-2 bundle; clear errors for anything else."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: not a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f"{path}: the safetensors header runs past the end of the file")
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {}) or {}
    if meta.get("format_version") != "2" or meta.get("arch", "gpt2") != "gpt2":
        raise ValueError(f"{path}: not a format_version 2 gpt2 bundle")
    base = 8 + n
    state = {}
    for name, info in header.items():
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        array = np.frombuffer(raw, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start)
        state[name] = torch.from_numpy(array.reshape(info["shape"]).astype(np.float32))
    return json.loads(meta["config"]), json.loads(meta.get("encoder_config", "null")), state


def main(argv: list[str] | None = None) -> int:
    """python -m midigpt_train.bundle IN.safetensors -o OUT.safetensors [--half]: rewrites a bundle (e.g. as float16 to ship)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m midigpt_train.bundle", description="Rewrite a format-2 bundle.")
    parser.add_argument("bundle")
    parser.add_argument("-o", "--out", required=True)
    parser.add_argument("--half", action="store_true", help="store the weights as float16")
    args = parser.parse_args(argv)
    try:
        if os.path.abspath(args.out) == os.path.abspath(args.bundle):
            raise ValueError("the output would overwrite the input")
        config, encoder, state = load_bundle(args.bundle)
        save_bundle(args.out, state, config, encoder, half=args.half)
    except (ValueError, OSError) as error:
        print(f"midigpt_train.bundle: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
