"""The trainer's progress report: lines on stderr, JSON lines for front ends, the summary."""
import contextlib
import io
import json
import unittest

from midigpt_train.trainer import Progress, format_duration


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def run(first, total, end, every, steps, json_out=None, model=None):
    """Steps first+1..first+steps, each 2 s of 1 000 tokens with loss = its number; returns the stderr lines."""
    clock, err = Clock(), io.StringIO()
    with contextlib.redirect_stderr(err):
        progress = Progress(first, total, end, every, json_out, clock=clock)
        for step in range(first + 1, first + steps + 1):
            clock.now += 2
            progress.step(step, float(step), 1000, 2.0, 1e-3)
        progress.finish(first + steps, 0.5, model)
    return err.getvalue().splitlines()


class ProgressReport(unittest.TestCase):
    def test_lines_at_the_first_step_every_n_and_the_last_then_a_summary(self):
        lines = run(0, 5, 5, 2, 5, model="out/model_final.safetensors")
        self.assertEqual(lines, [
            "midigpt-train: step 1/5 loss 1.0000 lr 1.00e-03 500 tok/s ETA 8s",
            "midigpt-train: step 2/5 loss 1.5000 lr 1.00e-03 500 tok/s ETA 6s",  # the mean of the last 2 steps
            "midigpt-train: step 4/5 loss 3.5000 lr 1.00e-03 500 tok/s ETA 2s",
            "midigpt-train: step 5/5 loss 4.5000 lr 1.00e-03 500 tok/s ETA 0s",
            "midigpt-train: done: step 5/5 (5 steps in 10s, 500 tok/s, loss 4.5000, validation loss 0.5000); model: out/model_final.safetensors",
        ])

    def test_a_resumed_run_that_stops_early_counts_its_own_steps(self):
        lines = run(20, 100, 30, 0, 10)
        self.assertEqual(lines, ["midigpt-train: stopped at step 30/100 (10 steps in 20s, 500 tok/s, loss 25.5000, validation loss 0.5000); "
                                 "run the same command again to resume"])

    def test_json_lines_one_per_step(self):
        out = io.StringIO()
        lines = run(0, 3, 3, 0, 3, json_out=out)
        self.assertEqual(len(lines), 1)  # the summary alone
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        self.assertEqual([r["event"] for r in records], ["start", "step", "step", "step", "done"])
        self.assertEqual(records[0], {"event": "start", "step": 0, "total": 3, "end": 3})
        self.assertEqual(records[2], {"event": "step", "step": 2, "total": 3, "loss": 1.5, "lr": 1e-3, "tokens_per_second": 500.0, "eta_seconds": 2.0})
        self.assertEqual(records[4]["steps"], 3)
        self.assertEqual(records[4]["val_loss"], 0.5)

    def test_durations(self):
        self.assertEqual([format_duration(s) for s in (0, 45.4, 245, 3600 * 3 + 7 * 60 + 59)], ["0s", "45s", "4m05s", "3h07m"])


if __name__ == "__main__":
    unittest.main()
