"""Trains tiny-math, the lab's built-in math model, from a seed (a build tool: the lab never needs Python).

A Llama (RMSNorm, RoPE, grouped-query attention, SwiGLU; Hugging Face names and layouts) trained from scratch
with next-token cross-entropy on the completion tokens (solution + </s>) of the curriculum problems written by
make-data.ts. Batches group problems of similar length, so little is padding. Checkpoints are written every
--save-every steps (model + optimizer + data position) and a run started again with the same arguments resumes.

Usage: python3 scripts/tiny-math/train.py --data scripts/tiny-math/out --out scripts/tiny-math/out/run
"""
import argparse
import json
import math
import os
import random
import struct
import time

import torch
import torch.nn.functional as F


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--config', required=True, help='config.json of the model to train (Hugging Face Llama)')
    p.add_argument('--seed', type=int, default=7)
    p.add_argument('--epochs', type=float, default=2.0)
    p.add_argument('--batch-tokens', type=int, default=8192, help='tokens per batch, padding included')
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--warmup', type=int, default=200)
    p.add_argument('--weight-decay', type=float, default=0.1)
    p.add_argument('--save-every', type=int, default=250)
    p.add_argument('--eval-every', type=int, default=500)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--eval-problems', type=int, default=110)
    p.add_argument('--init', help='start from these weights (a safetensors file this script wrote) instead of a random init')
    p.add_argument('--first-epoch', type=int, default=0, help='number of the first data epoch (each epoch is shuffled by its number)')
    return p.parse_args()


# ---- the model: Hugging Face Llama, written out so that our engine's forward pass can be checked against it ----

class RMSNorm(torch.nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, positions, theta):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    freqs = torch.outer(torch.arange(positions, dtype=torch.float32), inv)
    emb = torch.cat([freqs, freqs], dim=-1)  # [T, head_dim], Hugging Face's rotate_half layout
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Layer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        h, hd = c['hidden_size'], c['head_dim']
        self.heads, self.kv_heads, self.head_dim = c['num_attention_heads'], c['num_key_value_heads'], hd
        self.input_layernorm = RMSNorm(h, c['rms_norm_eps'])
        self.post_attention_layernorm = RMSNorm(h, c['rms_norm_eps'])
        self.q_proj = torch.nn.Linear(h, self.heads * hd, bias=False)
        self.k_proj = torch.nn.Linear(h, self.kv_heads * hd, bias=False)
        self.v_proj = torch.nn.Linear(h, self.kv_heads * hd, bias=False)
        self.o_proj = torch.nn.Linear(self.heads * hd, h, bias=False)
        self.gate_proj = torch.nn.Linear(h, c['intermediate_size'], bias=False)
        self.up_proj = torch.nn.Linear(h, c['intermediate_size'], bias=False)
        self.down_proj = torch.nn.Linear(c['intermediate_size'], h, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        y = self.input_layernorm(x)
        q = self.q_proj(y).view(b, t, self.heads, self.head_dim).transpose(1, 2)  # [B, H, T, D]
        k = self.k_proj(y).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(y).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.o_proj(y)
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class Llama(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = torch.nn.Embedding(c['vocab_size'], c['hidden_size'])
        self.layers = torch.nn.ModuleList([Layer(c) for _ in range(c['num_hidden_layers'])])
        self.norm = RMSNorm(c['hidden_size'], c['rms_norm_eps'])
        self.lm_head = torch.nn.Linear(c['hidden_size'], c['vocab_size'], bias=False)
        cos, sin = rope_tables(c['head_dim'], c['max_position_embeddings'], c['rope_theta'])
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)
        for layer in self.layers:  # GPT-2's scaled init for the residual projections
            for p in (layer.o_proj.weight, layer.down_proj.weight):
                torch.nn.init.normal_(p, std=0.02 / math.sqrt(2 * c['num_hidden_layers']))

    def forward(self, ids):
        t = ids.shape[1]
        x = self.embed_tokens(ids)
        mask = torch.full((t, t), float('-inf')).triu(1)
        cos, sin = self.cos[:t], self.sin[:t]
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.norm(x))

    def hf_tensors(self):
        """Parameters under their Hugging Face names (linear W: [out, in])."""
        out = {'model.embed_tokens.weight': self.embed_tokens.weight, 'model.norm.weight': self.norm.weight,
               'lm_head.weight': self.lm_head.weight}
        for i, l in enumerate(self.layers):
            p = f'model.layers.{i}'
            out[f'{p}.input_layernorm.weight'] = l.input_layernorm.weight
            out[f'{p}.post_attention_layernorm.weight'] = l.post_attention_layernorm.weight
            for n in ('q_proj', 'k_proj', 'v_proj', 'o_proj'):
                out[f'{p}.self_attn.{n}.weight'] = getattr(l, n).weight
            for n in ('gate_proj', 'up_proj', 'down_proj'):
                out[f'{p}.mlp.{n}.weight'] = getattr(l, n).weight
        return out


def write_safetensors(path, tensors, metadata):
    """The safetensors format by hand: 8-byte little-endian header length, JSON header, raw little-endian data."""
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    tmp = path + '.partial'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        assert t['dtype'] == 'F32', f'{path}: {name} is {t["dtype"]}, expected F32'
        a, b = t['data_offsets']
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(t['shape'])
    return out



def load_weights(model, path):
    """Copies a safetensors file's tensors (Hugging Face names) into the model."""
    weights = read_safetensors(path)
    with torch.no_grad():
        for name, param in model.hf_tensors().items():
            param.copy_(weights[name])


# ---- data ----

def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def batches(rows, batch_tokens, rng):
    """Problems shuffled, then sorted by length within windows of 64 batches, cut into batches of about
    batch_tokens tokens (padding included); the batch order is shuffled again."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    out, window = [], batch_tokens // 160 * 64
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda i: len(rows[i]['ids']))
        batch = []
        for i in chunk:
            if batch and (len(batch) + 1) * len(rows[i]['ids']) > batch_tokens:
                out.append(batch)
                batch = []
            batch.append(i)
        if batch:
            out.append(batch)
    rng.shuffle(out)
    return out


def tensors_of(rows, idx):
    t = max(len(rows[i]['ids']) for i in idx)
    ids = torch.zeros(len(idx), t, dtype=torch.long)
    labels = torch.full((len(idx), t), -100, dtype=torch.long)
    for r, i in enumerate(idx):
        seq, p = rows[i]['ids'], rows[i]['prompt_len']
        ids[r, :len(seq)] = torch.tensor(seq)
        labels[r, p - 1:len(seq) - 1] = torch.tensor(seq[p:])  # position j predicts token j + 1
    return ids, labels


# ---- monitoring: greedy answers on held-out problems, exact match of the "Answer:" line ----

@torch.no_grad()
def greedy_accuracy(model, rows, vocab, max_new=200):
    """Greedy answers without a KV cache, problems of equal prompt length decoded together."""
    model.eval()
    by_gen, correct = {}, 0
    groups = {}
    for r in rows:
        groups.setdefault(r['prompt_len'], []).append(r)
    for group in groups.values():
        seqs = torch.tensor([r['ids'][:r['prompt_len']] for r in group])
        done = torch.zeros(len(group), dtype=torch.bool)
        for _ in range(max_new):
            nxt = model(seqs)[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, 2), nxt)
            seqs = torch.cat([seqs, nxt[:, None]], dim=1)
            done |= nxt == 2
            if bool(done.all()):
                break
        for r, s in zip(group, seqs.tolist()):
            text = ''.join(vocab[i] for i in s[r['prompt_len']:] if i > 3)
            ok = text.strip().split('\n')[-1] == f"Answer: {r['answer']}"
            correct += ok
            g = by_gen.setdefault(r['generator'], [0, 0])
            g[0] += ok
            g[1] += 1
    model.train()
    return correct / len(rows), {k: round(v[0] / v[1], 2) for k, v in sorted(by_gen.items())}


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    with open(args.config) as f:
        config = json.load(f)
    vocab_json = json.load(open(os.path.join(os.path.dirname(args.config), 'tokenizer.json')))['model']['vocab']
    vocab = {i: t for t, i in vocab_json.items()}
    rows = load(os.path.join(args.data, 'train.jsonl'))
    held = load(os.path.join(args.data, 'heldout.jsonl'))[:args.eval_problems]
    os.makedirs(args.out, exist_ok=True)

    model = Llama(config)
    if args.init:
        load_weights(model, args.init)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    epochs = range(args.first_epoch, args.first_epoch + math.ceil(args.epochs))
    epoch_batches = [batches(rows, args.batch_tokens, random.Random(args.seed * 1000 + e)) for e in epochs]
    plan = [b for e in epoch_batches for b in e][: int(args.epochs * len(epoch_batches[0]))]
    total = len(plan)
    state_path = os.path.join(args.out, 'state.pt')
    step, tokens, elapsed = 0, 0, 0.0
    if os.path.exists(state_path):
        st = torch.load(state_path)
        model.load_state_dict(st['model'])
        opt.load_state_dict(st['opt'])
        step, tokens, elapsed = st['step'], st['tokens'], st['elapsed']
        torch.set_rng_state(st['rng'])
        print(f'resumed at step {step}/{total}', flush=True)
    log = open(os.path.join(args.out, 'log.jsonl'), 'a')
    t0 = time.time() - elapsed
    while step < total:
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / total)))
        for g in opt.param_groups:
            g['lr'] = lr
        ids, labels = tensors_of(rows, plan[step])
        logits = model(ids)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += int(ids.numel())
        if step % 50 == 0:
            rec = {'step': step, 'of': total, 'loss': round(loss.item(), 4), 'lr': lr, 'tokens': tokens, 'seconds': round(time.time() - t0)}
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + '\n')
            log.flush()
        if step % args.eval_every == 0 or step == total:
            acc, per = greedy_accuracy(model, held, vocab)
            rec = {'step': step, 'heldout_exact': round(acc, 3), 'per_generator': per}
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + '\n')
            log.flush()
            write_safetensors(os.path.join(args.out, f'model-step{step}.safetensors'), model.hf_tensors(), {'format': 'pt', 'step': str(step)})
        if step % args.save_every == 0 or step == total:
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'tokens': tokens,
                        'elapsed': time.time() - t0, 'rng': torch.get_rng_state()}, state_path + '.partial')
            os.replace(state_path + '.partial', state_path)
    write_safetensors(os.path.join(args.out, 'model.safetensors'), model.hf_tensors(),
                      {'format': 'pt', 'seed': str(args.seed), 'steps': str(total), 'tokens': str(tokens)})
    rec = {'done': True, 'step': total, 'tokens': tokens, 'seconds': round(time.time() - t0)}
    print(json.dumps(rec), flush=True)
    log.write(json.dumps(rec) + '\n')
    log.close()


if __name__ == '__main__':
    main()
