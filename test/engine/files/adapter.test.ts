import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAdapterConfig, readPeftAdapter, writePeftAdapter, type LoraTensors } from '../../../src/engine/files/adapter.ts';
import { parseConfig } from '../../../src/engine/files/config.ts';
import { SafetensorsFile, writeSafetensors } from '../../../src/engine/files/safetensors.ts';
import { memorySource, nodeSource, subSource } from '../../../src/engine/files/source.ts';
import { randomArray } from '../../helpers/gpu.ts';

const FIXTURES = 'test/fixtures/torch-reference';
const fixtureConfig = async () => parseConfig(await readFile(`${FIXTURES}/qwen2-fixture-f32/config.json`, 'utf8'));
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const adapterConfig = { peft_type: 'LORA', r: 2, lora_alpha: 4, lora_dropout: 0, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], bias: 'none' };

describe('readPeftAdapter', () => {
  it('reads the torch fixture adapter: r 2, alpha 4, q/k/v/o on both layers, shapes from the model', async () => {
    const config = await fixtureConfig();
    const adapter = await readPeftAdapter(subSource(nodeSource(`${FIXTURES}/qwen2-fixture-f32`), 'adapter'), config);
    expect(adapter.config).toEqual({ r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] });
    expect(adapter.layers.map((l) => `${l.layer}.${l.module} ${l.inFeatures}→${l.outFeatures}`)).toEqual([
      '0.q_proj 24→24', '0.k_proj 24→8', '0.v_proj 24→8', '0.o_proj 24→24',
      '1.q_proj 24→24', '1.k_proj 24→8', '1.v_proj 24→8', '1.o_proj 24→24',
    ]);
    const raw = SafetensorsFile.parse(await readFile(`${FIXTURES}/qwen2-fixture-f32/adapter/adapter_model.safetensors`), 'a');
    const k1 = adapter.layers.find((l) => l.layer === 1 && l.module === 'k_proj')!;
    expect(k1.A).toEqual(raw.f32('base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight'));
    expect(k1.B).toEqual(raw.f32('base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight'));
    expect(k1.B.length).toBe(8 * 2);
    const bf16 = await readPeftAdapter(subSource(nodeSource(`${FIXTURES}/qwen2-fixture-bf16`), 'adapter'), config);
    expect(bf16.layers.length).toBe(8);
  });

  it('writes PEFT files that read back identically, with PEFT names and config fields', async () => {
    const config = await fixtureConfig();
    const adapter: LoraTensors = {
      config: { r: 4, alpha: 8, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'down_proj'] },
      layers: [
        { layer: 0, module: 'q_proj', A: randomArray(4 * 24, 1), B: randomArray(24 * 4, 2), inFeatures: 24, outFeatures: 24 },
        { layer: 0, module: 'v_proj', A: randomArray(4 * 24, 3), B: randomArray(8 * 4, 4), inFeatures: 24, outFeatures: 8 },
        { layer: 1, module: 'down_proj', A: randomArray(4 * 40, 5), B: randomArray(24 * 4, 6), inFeatures: 40, outFeatures: 24 },
      ],
    };
    const files = writePeftAdapter(adapter, 'Qwen/Qwen2.5-0.5B-Instruct');
    expect([...files.keys()]).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const written = JSON.parse(new TextDecoder().decode(files.get('adapter_config.json')));
    expect(written).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, lora_dropout: 0.05, target_modules: ['q_proj', 'v_proj', 'down_proj'], base_model_name_or_path: 'Qwen/Qwen2.5-0.5B-Instruct', bias: 'none', use_dora: false });
    const weights = SafetensorsFile.parse(files.get('adapter_model.safetensors')!, 'adapter_model.safetensors');
    expect(weights.metadata).toEqual({ format: 'pt' });
    expect(weights.info('base_model.model.model.layers.1.mlp.down_proj.lora_A.weight').shape).toEqual([4, 40]);
    expect(weights.info('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight').shape).toEqual([8, 4]);
    expect(await readPeftAdapter(memorySource(files), config)).toEqual(adapter);
  });

  it('accepts the ".default" adapter-name infix and a regex target_modules', async () => {
    const config = await fixtureConfig();
    const tensors = {
      'base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight': { shape: [2, 24], data: randomArray(48, 1) },
      'base_model.model.model.layers.0.self_attn.q_proj.lora_B.default.weight': { shape: [24, 2], data: randomArray(48, 2) },
    };
    const source = memorySource(new Map([
      ['adapter_config.json', text({ ...adapterConfig, target_modules: '.*\\.q_proj' })],
      ['adapter_model.safetensors', writeSafetensors(tensors)],
    ]));
    const adapter = await readPeftAdapter(source, config);
    expect(adapter.config.targetModules).toEqual(['q_proj']);
    expect(adapter.layers[0].A).toEqual(tensors['base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight'].data);
  });
});

describe('readPeftAdapter bad input', () => {
  const folder = (configJson: unknown, tensors: Record<string, { shape: number[]; data: Float32Array }>) =>
    memorySource(new Map([['adapter_config.json', text(configJson)], ['adapter_model.safetensors', writeSafetensors(tensors)]]), 'adapters/x');
  const pair = (module: string, block: string, aShape: number[], bShape: number[], layer = 0) => ({
    [`base_model.model.model.layers.${layer}.${block}.${module}.lora_A.weight`]: { shape: aShape, data: new Float32Array(aShape[0] * aShape[1]) },
    [`base_model.model.model.layers.${layer}.${block}.${module}.lora_B.weight`]: { shape: bShape, data: new Float32Array(bShape[0] * bShape[1]) },
  });

  it('shapes that do not match the model name the tensor and the model size', async () => {
    const config = await fixtureConfig();
    await expect(readPeftAdapter(folder(adapterConfig, pair('q_proj', 'self_attn', [2, 32], [24, 2])), config)).rejects.toThrow(
      "adapter_model.safetensors: base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight has shape [2, 32] but the model's q_proj takes 24 inputs",
    );
    await expect(readPeftAdapter(folder(adapterConfig, pair('k_proj', 'self_attn', [2, 24], [24, 2])), config)).rejects.toThrow(
      "adapter_model.safetensors: base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight has shape [24, 2] but the model's k_proj gives 8 outputs",
    );
    await expect(readPeftAdapter(folder(adapterConfig, pair('q_proj', 'self_attn', [4, 24], [24, 4])), config)).rejects.toThrow(
      "adapter_model.safetensors: base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight has shape [4, 24] but adapter_config.json's r is 2",
    );
    await expect(readPeftAdapter(folder(adapterConfig, pair('q_proj', 'self_attn', [2, 24], [24, 2], 5)), config)).rejects.toThrow(
      /layer 5 does not exist \(the model has 2 layers\)/,
    );
  });

  it('a missing half, a module outside target_modules, an unknown tensor', async () => {
    const config = await fixtureConfig();
    const onlyA = pair('q_proj', 'self_attn', [2, 24], [24, 2]);
    delete onlyA['base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight'];
    await expect(readPeftAdapter(folder(adapterConfig, onlyA), config)).rejects.toThrow('adapter_model.safetensors: layer 0 q_proj has no lora_B weight');
    await expect(readPeftAdapter(folder(adapterConfig, pair('up_proj', 'mlp', [2, 24], [40, 2])), config)).rejects.toThrow(
      /up_proj is not in adapter_config\.json's target_modules \[q_proj, k_proj, v_proj, o_proj\]/,
    );
    await expect(readPeftAdapter(folder(adapterConfig, { 'base_model.model.lm_head.lora_A.weight': { shape: [2, 24], data: new Float32Array(48) } }), config)).rejects.toThrow(
      /tensor base_model\.model\.lm_head\.lora_A\.weight is not a LoRA weight of a decoder layer's linear module/,
    );
    await expect(readPeftAdapter(memorySource(new Map(), 'adapters/none'), config)).rejects.toThrow('adapters/none/adapter_config.json: not found');
  });

  it('adapter_config.json options that change the maths are refused, naming the field', () => {
    const parse = (overrides: Record<string, unknown>) => () => parseAdapterConfig(JSON.stringify({ ...adapterConfig, ...overrides }));
    expect(parse({ use_dora: true })).toThrow('adapter_config.json: use_dora: true: DoRA adapters are not supported');
    expect(parse({ use_rslora: true })).toThrow(/use_rslora: true: rank-stabilized LoRA/);
    expect(parse({ bias: 'all' })).toThrow(/bias: "all": trained biases are not supported/);
    expect(parse({ modules_to_save: ['lm_head'] })).toThrow(/modules_to_save/);
    expect(parse({ rank_pattern: { q_proj: 4 } })).toThrow(/rank_pattern/);
    expect(parse({ peft_type: 'IA3' })).toThrow('adapter_config.json: peft_type "IA3" is not supported (only "LORA")');
    expect(parse({ r: 0 })).toThrow('adapter_config.json: r must be a positive integer, got 0');
    expect(parse({ target_modules: ['embed_tokens'] })).toThrow(/target_modules: "embed_tokens" is not supported/);
    expect(parse({ lora_dropout: 1 })).toThrow(/lora_dropout must be a number in \[0, 1\)/);
    expect(() => parseAdapterConfig('{"r": 2,}')).toThrow(/^adapter_config\.json: not valid JSON/);
  });

  it('writePeftAdapter refuses arrays of the wrong size', () => {
    const bad: LoraTensors = { config: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'] }, layers: [{ layer: 0, module: 'q_proj', A: new Float32Array(10), B: new Float32Array(48), inFeatures: 24, outFeatures: 24 }] };
    expect(() => writePeftAdapter(bad, 'x')).toThrow(/layer 0 q_proj: A has 10 values \(want r·in = 48\)/);
  });
});
