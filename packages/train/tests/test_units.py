"""Unit tests of the trainer's pieces: schedule, bundle format, model layout."""
import json
import math
import os
import struct
import tempfile
import unittest

import torch

from midigpt_train.bundle import load_bundle, save_bundle
from midigpt_train.model import GPT2
from midigpt_train.schedule import lr_multiplier


class Plot(unittest.TestCase):
    def test_metrics_keep_the_last_record_of_a_repeated_step(self):  # a resumed run logs a step twice
        from midigpt_train.plot import read_metrics

        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "metrics.jsonl"), "w") as f:
                for record in [{"step": 10, "train/loss": 5.0}, {"step": 10, "train/loss": 4.0}, {"step": 20, "train/loss": 3.0},
                               {"step": 20, "val/loss": 3.5, "val/perplexity": 33.1}]:
                    f.write(json.dumps(record) + "\n")
            train, val = read_metrics(tmp)
        self.assertEqual(train, [(10, 4.0), (20, 3.0)])
        self.assertEqual(val, [(20, 3.5)])


class Schedule(unittest.TestCase):
    def test_warmup_starts_above_zero_and_reaches_one(self):  # B7 fixed
        self.assertAlmostEqual(lr_multiplier(0, 10, 100, "cosine"), 0.1)
        self.assertAlmostEqual(lr_multiplier(9, 10, 100, "cosine"), 1.0)

    def test_cosine_never_rises_past_the_horizon(self):  # B5 fixed
        self.assertAlmostEqual(lr_multiplier(100, 10, 100, "cosine"), 0.0)
        self.assertAlmostEqual(lr_multiplier(150, 10, 100, "cosine"), 0.0)
        self.assertAlmostEqual(lr_multiplier(55, 10, 100, "cosine"), 0.5)

    def test_linear_constant_and_unknown(self):
        self.assertAlmostEqual(lr_multiplier(55, 10, 100, "linear"), 0.5)
        self.assertAlmostEqual(lr_multiplier(55, 10, 100, "bogus"), 0.5)
        self.assertEqual(lr_multiplier(500, 10, 100, "constant"), 1.0)


class Bundle(unittest.TestCase):
    def test_round_trip_and_format(self):
        model = GPT2(vocab_size=30, n_positions=16, n_embd=8, n_layer=2, n_head=2)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.safetensors")
            save_bundle(path, model.state_dict(), model.config, {"resolution": 12})
            config, encoder, state = load_bundle(path)
            with open(path, "rb") as f:
                (n,) = struct.unpack("<Q", f.read(8))
                header = json.loads(f.read(n))
        self.assertEqual(config, model.config)
        self.assertEqual(encoder, {"resolution": 12})
        self.assertEqual((8 + n) % 8, 0)
        self.assertEqual(header["__metadata__"]["format_version"], "2")
        self.assertEqual(header["__metadata__"]["arch"], "gpt2")
        for name, tensor in model.state_dict().items():
            self.assertTrue(torch.equal(state[name], tensor), name)

    def test_half_bundle_is_half_the_size_and_reads_as_float32(self):
        model = GPT2(vocab_size=30, n_positions=16, n_embd=8, n_layer=2, n_head=2)
        with tempfile.TemporaryDirectory() as tmp:
            full, half = os.path.join(tmp, "f.safetensors"), os.path.join(tmp, "h.safetensors")
            save_bundle(full, model.state_dict(), model.config, None)
            save_bundle(half, model.state_dict(), model.config, None, half=True)
            _, _, state = load_bundle(half)
            weights = sum(t.numel() for t in model.state_dict().values())
            self.assertLess(os.path.getsize(half), os.path.getsize(full) - weights * 2 + 1)
        for name, tensor in model.state_dict().items():
            self.assertEqual(state[name].dtype, torch.float32)
            self.assertTrue(torch.equal(state[name], tensor.half().float()), name)

    def test_state_dict_names_are_the_reference_layout(self):
        names = set(GPT2(30, 16, 8, 1, 2).state_dict())
        expected = {"transformer.wte.weight", "transformer.wpe.weight", "transformer.ln_f.weight", "transformer.ln_f.bias", "lm_head.weight"}
        for part in ["ln_1", "attn.c_attn", "attn.c_proj", "ln_2", "mlp.c_fc", "mlp.c_proj"]:
            expected |= {f"transformer.h.0.{part}.weight", f"transformer.h.0.{part}.bias"}
        self.assertEqual(names, expected)
        self.assertEqual(tuple(GPT2(30, 16, 8, 1, 2).state_dict()["transformer.h.0.attn.c_attn.weight"].shape), (8, 24))

    def test_attention_is_causal(self):
        model = GPT2(30, 16, 8, 2, 2).eval()
        ids = torch.randint(0, 30, (1, 10))
        changed = ids.clone()
        changed[0, 7:] = (changed[0, 7:] + 1) % 30
        with torch.no_grad():
            self.assertTrue(torch.allclose(model(ids)[0, :7], model(changed)[0, :7], atol=1e-6))


if __name__ == "__main__":
    unittest.main()
