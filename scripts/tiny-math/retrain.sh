#!/usr/bin/env bash
# Retrains tiny-math from its seed and writes public/models/tiny-math/ (weights, model card) and the engine
# test's PyTorch log-probs. Needs Debian's python3-torch and a fast BLAS for it (libopenblas0-openmp; torch
# falls back to the reference BLAS, 6x slower, without it). About two hours on 2 CPU cores.
#   bash scripts/tiny-math/retrain.sh            # train both phases, then evaluate and write the card
#   CARD_ONLY=1 bash scripts/tiny-math/retrain.sh  # evaluate the folder's weights and write the card again
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=scripts/tiny-math/out
MODEL=public/models/tiny-math
SEED=7
if [ -z "${CARD_ONLY:-}" ]; then
  node bin/run-ts.mjs scripts/tiny-math/folder.ts "$MODEL"
  # phase 1: the whole curriculum (levels 1-3): the answer format and the problems' wording
  node bin/run-ts.mjs scripts/tiny-math/make-data.ts "$OUT" --count 100000 --seed "$SEED"
  /usr/bin/python3 scripts/tiny-math/train.py --data "$OUT" --out "$OUT/run" --config "$MODEL/config.json" \
    --seed "$SEED" --batch-tokens 4096 --lr 2e-3 --warmup 100 --epochs 1.2 --eval-every 1970 --eval-problems 66 --save-every 100
  # phase 2: level 1 (the lab's default pool), every skill at an equal share: the arithmetic facts of small numbers
  node bin/run-ts.mjs scripts/tiny-math/make-data.ts "$OUT/level1" --seed "$SEED" --levels 1 --per-generator 7000
  /usr/bin/python3 scripts/tiny-math/train.py --data "$OUT/level1" --out "$OUT/run-level1" --config "$MODEL/config.json" \
    --seed "$SEED" --init "$OUT/run/model.safetensors" --batch-tokens 8192 --lr 1e-3 --warmup 100 --epochs 1.7 \
    --eval-every 400 --eval-problems 88 --save-every 50
  cp "$OUT/run-level1/model.safetensors" "$MODEL/model.safetensors"
  /usr/bin/python3 scripts/tiny-math/reference_logprobs.py "$MODEL" "$OUT/level1/heldout.jsonl" test/fixtures/tiny-math/logprob_expected.json
fi
node bin/run-ts.mjs scripts/tiny-math/card.ts "$MODEL" "$OUT/run/log.jsonl" "$OUT/run-level1/log.jsonl"
