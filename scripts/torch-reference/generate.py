#!/usr/bin/python3
"""Regenerates test/fixtures/torch-reference/: what PyTorch (autograd, float64) computes on tiny Llama and Qwen2
models, for the engine's tests to compare against. The tests read these files and never run Python.

Needs only PyTorch (Debian's python3-torch): the models (Hugging Face's Llama / Qwen2 modelling: RMSNorm, RoPE
with rotate-half, grouped-query attention by repeating key/value heads, SwiGLU, PEFT LoRA) and the safetensors
format are written out here, so nothing from `transformers`, `peft` or `safetensors` is needed.

    /usr/bin/python3 scripts/torch-reference/generate.py           # compare with the committed files, change nothing
    /usr/bin/python3 scripts/torch-reference/generate.py --write   # write them

The Qwen2 fixtures' weights, adapters and inputs are data: they are read from the committed files and only the
expected values are recomputed (the check prints how far they are from the committed ones). The Llama fixture is
made here from a fixed seed.
"""
import json
import math
import os
import struct
import sys

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'torch-reference'))
F64 = torch.float64

# ---------------------------------------------------------------- safetensors, by hand
# A file is: 8 bytes (little-endian u64) header length, the header (JSON: name -> {dtype, shape, data_offsets}, and
# "__metadata__"), then the tensors' bytes, little-endian, row-major.

DTYPES = {'F32': (torch.float32, 4), 'F16': (torch.float16, 2), 'BF16': (torch.bfloat16, 2)}


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        begin, end = info['data_offsets']
        dtype, _ = DTYPES[info['dtype']]
        raw = bytearray(body[begin:end])
        t = torch.frombuffer(raw, dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        out[name] = (t.reshape(info['shape']).to(F64), info['dtype'])
    return out


def write_safetensors(path, tensors, dtype='F32'):
    """tensors: name -> float64 tensor; stored as `dtype` (BF16 by dropping the low 16 bits of the f32 value)."""
    header = {'__metadata__': {'format': 'pt'}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        raw = to_bytes(t, dtype)
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(chunks))


def to_bytes(t, dtype):
    f32 = t.detach().to(torch.float32).contiguous().reshape(-1)
    if dtype == 'F32':
        return f32.numpy().tobytes()
    if dtype == 'BF16':
        bits = f32.view(torch.int32)
        return (bits >> 16).to(torch.int16).numpy().tobytes()
    raise ValueError(dtype)


def bf16_truncate(t):
    """The value a BF16 file stores when the low 16 bits of the f32 are dropped (truncation, not rounding)."""
    bits = t.detach().to(torch.float32).contiguous().view(torch.int32)
    return ((bits >> 16) << 16).view(torch.float32).to(F64).reshape(t.shape)

# ---------------------------------------------------------------- the model


class Config:
    def __init__(self, raw):
        self.raw = raw
        self.arch = 'qwen2' if raw['model_type'] == 'qwen2' else 'llama'
        self.hidden = raw['hidden_size']
        self.heads = raw['num_attention_heads']
        self.kv_heads = raw.get('num_key_value_heads', self.heads)
        self.head_dim = raw.get('head_dim', self.hidden // self.heads)
        self.layers = raw['num_hidden_layers']
        self.vocab = raw['vocab_size']
        self.eps = raw['rms_norm_eps']
        self.theta = raw['rope_theta']
        self.tied = raw.get('tie_word_embeddings', False)
        self.qkv_bias = self.arch == 'qwen2' or raw.get('attention_bias', False)
        self.o_bias = self.arch == 'llama' and raw.get('attention_bias', False)


MODULES = {'q_proj': 'self_attn', 'k_proj': 'self_attn', 'v_proj': 'self_attn', 'o_proj': 'self_attn',
           'gate_proj': 'mlp', 'up_proj': 'mlp', 'down_proj': 'mlp'}


def weight_shapes(c):
    """Hugging Face names and shapes of every weight ([out, in] for linear layers)."""
    q, kv, H, I = c.heads * c.head_dim, c.kv_heads * c.head_dim, c.hidden, c.raw['intermediate_size']
    shapes = {'model.embed_tokens.weight': [c.vocab, H], 'model.norm.weight': [H]}
    if not c.tied:
        shapes['lm_head.weight'] = [c.vocab, H]
    for l in range(c.layers):
        p = f'model.layers.{l}'
        shapes[f'{p}.input_layernorm.weight'] = [H]
        shapes[f'{p}.post_attention_layernorm.weight'] = [H]
        for m, (o, i) in {'q_proj': (q, H), 'k_proj': (kv, H), 'v_proj': (kv, H), 'o_proj': (H, q),
                          'gate_proj': (I, H), 'up_proj': (I, H), 'down_proj': (H, I)}.items():
            shapes[f'{p}.{MODULES[m]}.{m}.weight'] = [o, i]
        if c.qkv_bias:
            for m, o in (('q_proj', q), ('k_proj', kv), ('v_proj', kv)):
                shapes[f'{p}.self_attn.{m}.bias'] = [o]
        if c.o_bias:
            shapes[f'{p}.self_attn.o_proj.bias'] = [H]
    return shapes


def rms_norm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rope(x, theta):
    """x: [T, heads, d]; rotate-half RoPE at positions 0..T-1 (Hugging Face's apply_rotary_pos_emb)."""
    T, _, d = x.shape
    inv_freq = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=F64) / d))
    angles = torch.arange(T, dtype=F64)[:, None] * inv_freq[None, :]
    cos = torch.cat([angles.cos(), angles.cos()], -1)[:, None, :]
    sin = torch.cat([angles.sin(), angles.sin()], -1)[:, None, :]
    rotated = torch.cat([-x[..., d // 2:], x[..., :d // 2]], -1)
    return x * cos + rotated * sin


def forward(c, w, tokens, lora=None):
    """Logits [T, V] of one sequence. w: name -> tensor; lora: {'scale', 'A': {module name: A}, 'B': {...}} or None."""
    def linear(x, name):
        y = x @ w[f'{name}.weight'].T
        if f'{name}.bias' in w:
            y = y + w[f'{name}.bias']
        if lora and name in lora['A']:
            y = y + lora['scale'] * ((x @ lora['A'][name].T) @ lora['B'][name].T)
        return y

    T = len(tokens)
    x = w['model.embed_tokens.weight'][torch.tensor(tokens)]
    causal = torch.triu(torch.full((T, T), float('-inf'), dtype=F64), 1)
    for l in range(c.layers):
        p = f'model.layers.{l}'
        h = rms_norm(x, w[f'{p}.input_layernorm.weight'], c.eps)
        q = rope(linear(h, f'{p}.self_attn.q_proj').reshape(T, c.heads, c.head_dim), c.theta)
        k = rope(linear(h, f'{p}.self_attn.k_proj').reshape(T, c.kv_heads, c.head_dim), c.theta)
        v = linear(h, f'{p}.self_attn.v_proj').reshape(T, c.kv_heads, c.head_dim)
        group = c.heads // c.kv_heads
        k, v = k.repeat_interleave(group, 1), v.repeat_interleave(group, 1)
        scores = torch.einsum('thd,shd->hts', q, k) / math.sqrt(c.head_dim) + causal
        attn = torch.einsum('hts,shd->thd', scores.softmax(-1), v).reshape(T, c.heads * c.head_dim)
        x = x + linear(attn, f'{p}.self_attn.o_proj')
        h = rms_norm(x, w[f'{p}.post_attention_layernorm.weight'], c.eps)
        gate = linear(h, f'{p}.mlp.gate_proj')
        x = x + linear(torch.nn.functional.silu(gate) * linear(h, f'{p}.mlp.up_proj'), f'{p}.mlp.down_proj')
    x = rms_norm(x, w['model.norm.weight'], c.eps)
    head = w['model.embed_tokens.weight'] if c.tied else w['lm_head.weight']
    return x @ head.T


def sequence_logprob(c, w, prompt, response, lora=None):
    """Σ_j log p(response[j] | prompt, response[:j]): the model reads prompt + response without its last token."""
    logits = forward(c, w, prompt + response[:-1], lora)
    logp = logits.log_softmax(-1)
    return sum(logp[len(prompt) - 1 + j, t] for j, t in enumerate(response))

# ---------------------------------------------------------------- files


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def model_weights(folder):
    return {name: t for name, (t, _) in read_safetensors(os.path.join(folder, 'model.safetensors')).items()}


def read_adapter(folder):
    """A PEFT adapter folder → {'scale', 'A', 'B'} keyed by the base model's module names, plus the raw tensors."""
    config = read_json(os.path.join(folder, 'adapter_config.json'))
    raw = {name: t for name, (t, _) in read_safetensors(os.path.join(folder, 'adapter_model.safetensors')).items()}
    lora = {'scale': config['lora_alpha'] / config['r'], 'A': {}, 'B': {}}
    for name, t in raw.items():
        module = name.removeprefix('base_model.model.').rsplit('.lora_', 1)[0]
        lora['A' if '.lora_A.' in name else 'B'][module] = t
    return lora, raw


class Output:
    """Collects a fixture's expected values; compares with the committed files or writes them."""

    def __init__(self, folder, write):
        self.folder, self.write, self.report = folder, write, []

    def json(self, name, value):
        path = os.path.join(self.folder, name)
        if os.path.exists(path):
            self.report.append((name, max_difference(read_json(path), value)))
        if self.write:
            with open(path, 'w') as f:
                json.dump(value, f, indent=1 if isinstance(value, dict) else None)

    def tensors(self, name, tensors):
        path = os.path.join(self.folder, name)
        if os.path.exists(path):
            old = {k: t for k, (t, _) in read_safetensors(path).items()}
            diff = max((relative_norm(tensors[k].detach(), old[k]) for k in tensors), default=0.0) if set(old) == set(tensors) else float('inf')
            self.report.append((name, diff))
        if self.write:
            write_safetensors(path, tensors)

    def text(self, name, text):
        if self.write:
            with open(os.path.join(self.folder, name), 'w') as f:
                f.write(text)


def max_difference(a, b):
    """Largest relative difference between two JSON values of the same structure (numbers compared, inf if unlike)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) / max(abs(b), 1e-300) if a != b else 0.0
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return max((max_difference(x, y) for x, y in zip(a, b)), default=0.0)
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b):
        return max((max_difference(a[k], b[k]) for k in a), default=0.0)
    return 0.0 if a == b else float('inf')


def relative_norm(a, b):
    return float((a - b).norm() / max(float(b.norm()), 1e-300))

# ---------------------------------------------------------------- the Qwen2 fixtures (tied, biases, adapter, DPO)


def qwen2_fixture(name, write):
    folder = os.path.join(ROOT, name)
    c = Config(read_json(os.path.join(folder, 'config.json')))
    w = model_weights(folder)
    lora, adapter_raw = read_adapter(os.path.join(folder, 'adapter'))
    out = Output(folder, write)
    inputs = read_jsonl(os.path.join(folder, 'logprob_inputs.jsonl'))
    with torch.no_grad():
        out.json('logprob_expected.json', [float(sequence_logprob(c, w, r['prompt_ids'], r['response_ids'])) for r in inputs])
        out.json('logprob_expected_adapter.json', [float(sequence_logprob(c, w, r['prompt_ids'], r['response_ids'], lora)) for r in inputs])
    # DPO: policy = base + adapter, reference = base; the mean sigmoid loss and its gradient w.r.t. every adapter tensor
    beta = read_json(os.path.join(folder, 'dpo_expected.json')).get('beta', 0.1)
    pairs = read_jsonl(os.path.join(folder, 'pairs.jsonl'))
    for t in adapter_raw.values():
        t.requires_grad_(True)
    rc = [float(sequence_logprob(c, w, p['prompt_ids'], p['chosen_ids'])) for p in pairs]
    rr = [float(sequence_logprob(c, w, p['prompt_ids'], p['rejected_ids'])) for p in pairs]
    pc = [sequence_logprob(c, w, p['prompt_ids'], p['chosen_ids'], lora) for p in pairs]
    pr = [sequence_logprob(c, w, p['prompt_ids'], p['rejected_ids'], lora) for p in pairs]
    chosen = torch.stack([beta * (pc[i] - rc[i]) for i in range(len(pairs))])
    rejected = torch.stack([beta * (pr[i] - rr[i]) for i in range(len(pairs))])
    loss = -torch.nn.functional.logsigmoid(chosen - rejected).mean()
    loss.backward()
    out.json('dpo_expected.json', {
        'loss': float(loss), 'rewards/chosen': float(chosen.mean()), 'rewards/rejected': float(rejected.mean()),
        'rewards/accuracies': float((chosen > rejected).to(F64).mean()), 'rewards/margins': float((chosen - rejected).mean()),
        'beta': beta,
    })
    out.tensors('dpo_grads_expected.safetensors', {k: t.grad for k, t in adapter_raw.items()})
    return out.report

# ---------------------------------------------------------------- the Llama fixture (untied, full SFT, AdamW)


LLAMA_CONFIG = {
    'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'hidden_size': 32, 'intermediate_size': 48,
    'num_hidden_layers': 2, 'num_attention_heads': 4, 'num_key_value_heads': 2, 'head_dim': 8, 'vocab_size': 50,
    'rms_norm_eps': 1e-5, 'rope_theta': 500000.0, 'max_position_embeddings': 512, 'tie_word_embeddings': False,
    'attention_bias': False, 'mlp_bias': False, 'hidden_act': 'silu', 'bos_token_id': 1, 'eos_token_id': 2,
    'torch_dtype': 'float32',
}
# the optimizer run: three AdamW steps on one batch, with torch's defaults for betas and eps
ADAMW = {'lr': 1e-2, 'betas': [0.9, 0.999], 'eps': 1e-8, 'weight_decay': 0.01, 'max_grad_norm': 1.0, 'steps': 3}


def llama_weights(c, seed):
    """Seeded weights, stored as F32 (the float64 values below are those f32 numbers)."""
    g = torch.Generator().manual_seed(seed)
    w = {}
    for name, shape in weight_shapes(c).items():
        if name.endswith('norm.weight'):
            t = 1 + 0.1 * torch.randn(shape, generator=g, dtype=F64)
        elif name == 'model.embed_tokens.weight':
            t = 0.5 * torch.randn(shape, generator=g, dtype=F64)
        else:
            t = (0.3 if name == 'lm_head.weight' else 0.15) * torch.randn(shape, generator=g, dtype=F64)
        w[name] = t.to(torch.float32).to(F64)
    return w


def random_ids(g, n, vocab):
    return [int(x) for x in torch.randint(3, vocab, (n,), generator=g)]


def sft_loss(c, w, examples):
    """Mean cross-entropy over every response token of the batch (what `sft` minimizes)."""
    total = sum(-sequence_logprob(c, w, e['prompt_ids'], e['response_ids']) for e in examples)
    return total / sum(len(e['response_ids']) for e in examples)


def llama_fixture(write):
    folder = os.path.join(ROOT, 'llama-untied-f32')
    os.makedirs(folder, exist_ok=True)
    c = Config(LLAMA_CONFIG)
    w = llama_weights(c, 20261130)
    out = Output(folder, write)
    g = torch.Generator().manual_seed(7)
    inputs = [{'prompt_ids': random_ids(g, p, c.vocab), 'response_ids': random_ids(g, r, c.vocab)} for p, r in ((5, 9), (1, 4), (12, 3), (7, 1), (3, 20))]
    examples = [{'prompt_ids': random_ids(g, p, c.vocab), 'response_ids': random_ids(g, r, c.vocab)} for p, r in ((4, 6), (9, 3), (2, 8), (6, 5))]
    if write:
        with open(os.path.join(folder, 'config.json'), 'w') as f:
            json.dump(LLAMA_CONFIG, f, indent=1)
        write_safetensors(os.path.join(folder, 'model.safetensors'), w)
        for name in ('tokenizer.json', 'tokenizer_config.json'):
            with open(os.path.join(ROOT, 'qwen2-fixture-f32', name)) as src:
                out.text(name, src.read())
    out.text('logprob_inputs.jsonl', ''.join(json.dumps(r) + '\n' for r in inputs))
    out.text('sft_examples.jsonl', ''.join(json.dumps(e) + '\n' for e in examples))
    with torch.no_grad():
        out.json('logprob_expected.json', [float(sequence_logprob(c, w, r['prompt_ids'], r['response_ids'])) for r in inputs])
    # full-parameter SFT: the gradient of the batch's mean cross-entropy w.r.t. every weight
    params = {k: t.clone().requires_grad_(True) for k, t in w.items()}
    loss = sft_loss(c, params, examples)
    loss.backward()
    out.tensors('sft_grads_expected.safetensors', {k: t.grad for k, t in params.items()})
    # three AdamW steps on the same batch, gradients clipped to a global norm as clip_grad_norm_ does
    params = {k: t.clone().requires_grad_(True) for k, t in w.items()}
    names = sorted(params)
    opt = torch.optim.AdamW([params[k] for k in names], lr=ADAMW['lr'], betas=tuple(ADAMW['betas']), eps=ADAMW['eps'], weight_decay=ADAMW['weight_decay'])
    steps = []
    for _ in range(ADAMW['steps']):
        opt.zero_grad()
        loss = sft_loss(c, params, examples)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([params[k] for k in names], ADAMW['max_grad_norm'])
        opt.step()
        steps.append({'loss': float(loss), 'grad_norm': float(norm)})
    out.json('sft_expected.json', {'loss': steps[0]['loss'], 'tokens': sum(len(e['response_ids']) for e in examples), 'adamw': ADAMW, 'steps': steps})
    out.tensors('adamw_weights_expected.safetensors', {k: params[k].detach() for k in names})
    return out.report


def main():
    write = '--write' in sys.argv[1:]
    torch.set_grad_enabled(True)
    for name, report in (('qwen2-fixture-f32', qwen2_fixture('qwen2-fixture-f32', write)),
                         ('qwen2-fixture-bf16', qwen2_fixture('qwen2-fixture-bf16', write)),
                         ('llama-untied-f32', llama_fixture(write))):
        for file, diff in report:
            print(f'{name}/{file}: largest relative difference from the committed file {diff:.2e}')
    print('written' if write else 'compared only (pass --write to write the files)')


if __name__ == '__main__':
    main()
