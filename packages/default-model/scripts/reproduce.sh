#!/usr/bin/env bash
# Reproduces the default model from POP909: dataset, training, int8 ONNX
# conversion, evaluation (loss, infill quality, control adherence), training-curve plot, metrics.json and MODEL_CARD.md,
# and the float16 checkpoint users fine-tune from.
#
#   bash packages/default-model/scripts/reproduce.sh [POP909_DIR] [RUN_DIR]
#
# POP909_DIR defaults to ../shared/data/pop909, RUN_DIR to runs/pop909-default.
# Training resumes where a previous run in RUN_DIR stopped. On this project's
# 2-core machine it took about 2 hours; on a GPU it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source scripts/lib.sh
POP909=${1:-../shared/data/pop909}
RUN=${2:-runs/pop909-default}
PKG=packages/default-model
CONFIG=packages/train/configs/pop909-default.json
PYTHON=${MIDIGPT_PYTHON:-/usr/bin/python3}
midigpt() { node packages/cli/bin/midigpt.js "$@"; }

ensure_apt "$PYTHON -c 'import torch'" python3-torch libopenblas0-pthread
ensure_apt "$PYTHON -c 'import matplotlib'" python3-matplotlib

midigpt dataset build "$POP909" -o "$RUN/data"
midigpt train --config "$CONFIG" --data "$RUN/data" --out "$RUN/train"
STEPS=$(node -p "require('./$CONFIG').max_steps")
midigpt convert "$RUN/train/model_final.safetensors" -o "$RUN/model-fp32.onnx" --force
midigpt convert "$RUN/train/model_final.safetensors" -o "$RUN/model-int8.onnx" --quantize int8 --force

PYTHONPATH=packages/train MIDIGPT_CLI="node packages/cli/bin/midigpt.js" \
  "$PYTHON" -m midigpt_train.evaluate --config "$CONFIG" --data "$RUN/data" \
  --bundle "$RUN/train/model_final.safetensors" --steps "$STEPS" > "$RUN/losses.json"
node $PKG/scripts/onnx-loss.mjs "$RUN/data" "$RUN/model-fp32.onnx" "$RUN/model-int8.onnx" > "$RUN/onnx-loss.json"
node $PKG/scripts/infill-quality.mjs "$RUN/model-int8.onnx" "$RUN/data" --count 100 --out "$RUN/infill.json" > /dev/null
node $PKG/scripts/control-adherence.mjs "$RUN/model-int8.onnx" "$RUN/data" --out "$RUN/adherence.json" > /dev/null

UNIGRAM=$(node -p "require('./$RUN/losses.json').unigram_loss.toFixed(3)")
PYTHONPATH=packages/train "$PYTHON" -m midigpt_train.plot "$RUN/train" -o "$PKG/training-curve.png" \
  --title "pop909-small: $STEPS steps on POP909" --baseline "unigram=$UNIGRAM"
cp "$RUN/model-int8.onnx" "$PKG/model.onnx"
PYTHONPATH=packages/train "$PYTHON" -m midigpt_train.bundle "$RUN/train/model_final.safetensors" -o "$PKG/checkpoint.safetensors" --half
node $PKG/scripts/make-card.mjs "$RUN"
echo "default model: $PKG/model.onnx, card: $PKG/MODEL_CARD.md"
