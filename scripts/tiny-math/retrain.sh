#!/usr/bin/env bash
# Retrains tiny-math from its seed and writes public/models/tiny-math/ (weights, model card) and the engine
# test's PyTorch log-probs. Needs Debian's python3-torch and a fast BLAS for it (libopenblas0-openmp; torch
# falls back to the reference BLAS, 6x slower, without it). About an hour on 2 CPU cores.
#   bash scripts/tiny-math/retrain.sh            # train, then evaluate and write the card
#   CARD_ONLY=1 bash scripts/tiny-math/retrain.sh  # evaluate the folder's weights and write the card again
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=scripts/tiny-math/out
MODEL=public/models/tiny-math
SEED=7
if [ -z "${CARD_ONLY:-}" ]; then
  node bin/run-ts.mjs scripts/tiny-math/make-data.ts "$OUT" --count 100000 --seed "$SEED"
  node bin/run-ts.mjs scripts/tiny-math/folder.ts "$MODEL"
  /usr/bin/python3 scripts/tiny-math/train.py --data "$OUT" --out "$OUT/run" --config "$MODEL/config.json" \
    --seed "$SEED" --batch-tokens 4096 --lr 2e-3 --warmup 100 --epochs 1.2 --eval-every 1970 --eval-problems 66 --save-every 100
  cp "$OUT/run/model.safetensors" "$MODEL/model.safetensors"
  /usr/bin/python3 scripts/tiny-math/reference_logprobs.py "$MODEL" "$OUT/heldout.jsonl" test/fixtures/tiny-math/logprob_expected.json
fi
node bin/run-ts.mjs scripts/tiny-math/card.ts "$MODEL" "$OUT/run/log.jsonl"
