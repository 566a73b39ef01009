"""PyTorch on the CPU, the comparison for bench/torch-compare.ts: trains the same model on the same batches.

Reads a JSON job written by the bench:
  {"config": {Hugging Face Llama config}, "seed": 1, "threads": 2,
   "sft": [[{"prompt": [ids], "response": [ids]}, ...], ...],              # full-parameter SFT, one list per step
   "dpo": [[{"prompt": [ids], "chosen": [ids], "rejected": [ids]}, ...], ...]}  # LoRA DPO, one list per step
and prints one JSON line: per mode the seconds of the timed steps and the response tokens they trained on.

Both modes run as the engine runs them: rows right-padded to the batch's longest (prompt + answer − 1) tokens,
loss on the answer tokens only; SFT is full-parameter with the mean token cross-entropy; DPO is LoRA (r 8, α 16 on
q/k/v/o, A Kaiming-uniform, B zero) with the sigmoid loss at β 0.1 against reference log-probs computed before
timing; AdamW (lr 1e-4, no weight decay) after clipping the gradient norm to 1. The first batch of each mode is
a warm-up step and is not timed (the bench does the same on its side). Both wall-clock and process CPU seconds are
reported: on a machine shared with other work the CPU seconds compare more fairly.

The model is scripts/tiny-math/train.py's Llama (Hugging Face layouts). Debian's torch 1.13 calls whichever
libblas.so.3 the loader finds: through Debian's alternatives the reference BLAS that `apt install python3-torch`
brings (about 6 GFLOP/s on a 512² product here), or OpenBLAS once libopenblas0-openmp is installed (about 50); the
bench runs this script once per BLAS present, choosing it with LD_LIBRARY_PATH, and the output names the library
loaded as "blas".

Usage: python3 scripts/bench-torch/train_tiny.py JOB.json
"""
import importlib.util
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def load_llama():
    path = os.path.join(HERE, '..', 'tiny-math', 'train.py')
    spec = importlib.util.spec_from_file_location('tiny_math_train', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Llama


class LoraLinear(torch.nn.Module):
    """y = x·Wᵀ + (α/r)·(x·Aᵀ)·Bᵀ with W frozen (PEFT's LoRA without dropout)."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.A = torch.nn.Parameter(torch.empty(r, base.in_features).uniform_(-1 / math.sqrt(base.in_features), 1 / math.sqrt(base.in_features)))
        self.B = torch.nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r
        self.enabled = True

    def forward(self, x):
        y = self.base(x)
        if self.enabled:
            y = y + self.scale * ((x @ self.A.t()) @ self.B.t())
        return y


def padded(rows):
    """rows: (prompt, answer) lists → ids [B, T] (T = longest prompt + answer − 1), and per row the answer's slots."""
    T = max(len(p) + len(a) - 1 for p, a in rows)
    ids = torch.zeros(len(rows), T, dtype=torch.long)
    where = []
    for b, (p, a) in enumerate(rows):
        seq = (p + a)[:-1]
        ids[b, :len(seq)] = torch.tensor(seq)
        where.append((len(p) - 1, torch.tensor(a)))
    return ids, where


def sequence_logps(model, rows):
    """Per row: the sum of log p(answer token) (a [B] tensor), from one padded forward pass."""
    ids, where = padded(rows)
    logp = model(ids).log_softmax(-1)
    out = []
    for b, (start, answer) in enumerate(where):
        pos = torch.arange(start, start + len(answer))
        out.append(logp[b, pos, answer].sum())
    return torch.stack(out)


def sft_step(model, batch):
    ids, where = padded([(e['prompt'], e['response']) for e in batch])
    logits = model(ids)
    picked, targets = [], []
    for b, (start, answer) in enumerate(where):
        picked.append(logits[b, start:start + len(answer)])
        targets.append(answer)
    return F.cross_entropy(torch.cat(picked), torch.cat(targets))


def dpo_loss(model, batch, reference, beta=0.1):
    rows = []
    for pair in batch:
        rows += [(pair['prompt'], pair['chosen']), (pair['prompt'], pair['rejected'])]
    logps = sequence_logps(model, rows)
    chosen, rejected = logps[0::2], logps[1::2]
    margin = (chosen - reference[:, 0]) - (rejected - reference[:, 1])
    return -F.logsigmoid(beta * margin).mean()


def timed_steps(batches, params, step_loss):
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)

    def step(batch):
        optimizer.zero_grad(set_to_none=True)
        loss = step_loss(batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()

    step(batches[0])  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    for batch in batches[1:]:
        step(batch)
    return time.perf_counter() - start, time.process_time() - cpu


def run_sft(Llama, config, batches):
    model = Llama(config)
    seconds, cpu = timed_steps(batches, list(model.parameters()), lambda b: sft_step(model, b))
    tokens = sum(len(e['response']) for batch in batches[1:] for e in batch)
    return {'seconds': seconds, 'cpu_seconds': cpu, 'response_tokens': tokens, 'steps': len(batches) - 1}


def run_dpo(Llama, config, batches):
    model = Llama(config)
    for p in model.parameters():
        p.requires_grad_(False)
    loras = []
    for layer in model.layers:
        for name in ('q_proj', 'k_proj', 'v_proj', 'o_proj'):
            lora = LoraLinear(getattr(layer, name), 8, 16)
            setattr(layer, name, lora)
            loras.append(lora)
    with torch.no_grad():  # the reference: the base model, adapter off
        for lora in loras:
            lora.enabled = False
        references = []
        for batch in batches:
            rows = []
            for pair in batch:
                rows += [(pair['prompt'], pair['chosen']), (pair['prompt'], pair['rejected'])]
            references.append(sequence_logps(model, rows).view(-1, 2))
        for lora in loras:
            lora.enabled = True
    params = [p for lora in loras for p in (lora.A, lora.B)]
    index = {id(b): i for i, b in enumerate(batches)}
    seconds, cpu = timed_steps(batches, params, lambda b: dpo_loss(model, b, references[index[id(b)]]))
    tokens = sum(len(p['chosen']) + len(p['rejected']) for batch in batches[1:] for p in batch)
    return {'seconds': seconds, 'cpu_seconds': cpu, 'response_tokens': tokens, 'steps': len(batches) - 1}


def blas_name():
    """The BLAS torch calls: its build's BLAS_INFO, and for Debian's "generic" build the libblas.so.3 this process
    loaded (the bench picks one per run through LD_LIBRARY_PATH; otherwise Debian's alternatives decide)."""
    try:
        info = torch.__config__.show().split('BLAS_INFO=', 1)[1].split(',', 1)[0].strip()
    except Exception:  # noqa: BLE001 - informational only
        return 'unknown'
    if info != 'generic':
        return info
    torch.ones(2, 2) @ torch.ones(2, 2)  # make sure the BLAS is loaded
    with open('/proc/self/maps') as f:
        paths = [line.split()[-1] for line in f if '/' in line]
    blas = next((p for p in paths if os.path.basename(p).startswith('libblas.so')), None)
    if blas is None:
        return 'generic'
    return f'OpenBLAS ({blas})' if 'openblas' in blas else f'reference BLAS ({blas})'


def main():
    if len(sys.argv) != 2:
        print('usage: python3 scripts/bench-torch/train_tiny.py JOB.json', file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        job = json.load(f)
    torch.manual_seed(job.get('seed', 1))
    torch.set_num_threads(job.get('threads', 2))
    Llama = load_llama()
    out = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas_name()}
    if job.get('sft'):
        out['sft'] = run_sft(Llama, job['config'], job['sft'])
    if job.get('dpo'):
        out['dpo'] = run_dpo(Llama, job['config'], job['dpo'])
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
