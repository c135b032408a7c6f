"""MIDI-GPT training on PyTorch: the GPT-2 of the reference (same state-dict
names), fed by `midigpt dataset samples`, writing safetensors bundles that the
reference's loader and our ONNX converter read."""
