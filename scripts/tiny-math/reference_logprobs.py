"""Log-probs of tiny-math on held-out problems computed by the PyTorch model it was trained with (train.py's Llama),
written for the engine's test: our WebGPU forward pass must give the same numbers.

Usage: python3 scripts/tiny-math/reference_logprobs.py MODEL_DIR HELDOUT.jsonl OUT.json [--count 12]
"""
import argparse
import json
import os

import torch

from train import Llama, load_weights


def main():
    p = argparse.ArgumentParser()
    p.add_argument('model')
    p.add_argument('heldout')
    p.add_argument('out')
    p.add_argument('--count', type=int, default=12)
    args = p.parse_args()
    config = json.load(open(os.path.join(args.model, 'config.json')))
    model = Llama(config)
    load_weights(model, os.path.join(args.model, 'model.safetensors'))
    model.eval()
    rows = [json.loads(l) for l in open(args.heldout) if l.strip()][: args.count]
    items = []
    with torch.no_grad():
        for r in rows:
            ids, p_len = r['ids'], r['prompt_len']
            logp = model(torch.tensor([ids]))[0].double().log_softmax(-1)
            total = sum(logp[j - 1, ids[j]].item() for j in range(p_len, len(ids)))
            items.append({'prompt_ids': ids[:p_len], 'response_ids': ids[p_len:], 'logprob': total, 'tokens': len(ids) - p_len})
    with open(args.out, 'w') as f:
        json.dump({'model': 'tiny-math', 'items': items}, f, indent=1)
    print(f'{len(items)} items written to {args.out}')


if __name__ == '__main__':
    main()
