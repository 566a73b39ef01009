import { describe, expect, it } from 'vitest';
import {
  ConfigError, configDifferences, configFromQuery, configJsonSchema, configOverrides, configToQuery, defaultConfig,
  parseConfig, parseConfigText, withField,
} from '../../src/loop/config.ts';

function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('experiment config', () => {
  it('an empty object is the default experiment: tiny-math, curriculum imbalanced pool, SAI sampler', () => {
    const c = parseConfig({});
    expect(c).toEqual(defaultConfig());
    expect(c.model.path).toBe('tiny-math');
    expect(c.pool).toMatchObject({ source: 'curriculum', mix: 'imbalanced' });
    expect(c.sampler.name).toBe('sai');
    expect(c.probe).toMatchObject({ fraction: 0.01, answers: 8 });
  });

  it('fills the fields a user leaves out and keeps those given', () => {
    const c = parseConfig({ seed: 7, sampler: { name: 'random' }, train: { loraTargets: ['q_proj', 'v_proj'] } });
    expect(c.seed).toBe(7);
    expect(c.sampler.name).toBe('random');
    expect(c.sampler.temperature).toBe(1);
    expect(c.train.loraTargets).toEqual(['q_proj', 'v_proj']);
  });

  it('names unknown keys, at the top and in a section', () => {
    const problems = problemsOf({ samplr: {}, sampler: { temprature: 2 } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^samplr: unknown key/);
    expect(problems[1]).toMatch(/^sampler\.temprature: unknown key \(sampler has: name, problems, smoothing, temperature/);
  });

  it('names wrong types and out-of-range values', () => {
    const problems = problemsOf({
      seed: '3', iterations: 0, sampler: { name: 'best', temperature: 'hot' }, probe: { fraction: 2 },
      train: { loraTargets: ['q_proj', 'x_proj'], epochs: 1.5 }, pairs: { reuseProbeAnswers: 'yes' }, model: 3,
    });
    expect(problems).toEqual(expect.arrayContaining([
      'seed must be a number, got "3"',
      'iterations must be at least 1, got 0',
      expect.stringMatching(/^sampler\.name must be one of sai, random, .*; got "best"/),
      'sampler.temperature must be a number, got "hot"',
      'probe.fraction must be at most 1, got 2',
      expect.stringMatching(/^train\.loraTargets: unknown "x_proj"/),
      'train.epochs must be a whole number, got 1.5',
      'pairs.reuseProbeAnswers must be true or false, got "yes"',
      'model must be an object, got number 3',
    ]));
    expect(problems).toHaveLength(9);
  });

  it('checks rules across fields', () => {
    expect(problemsOf({ clusters: { kMin: 5, kMax: 3 } })).toEqual(['clusters.kMax (3) must be at least clusters.kMin (5)']);
    expect(problemsOf({ pool: { source: 'file' } })).toEqual(['pool.file is required when pool.source is "file"']);
  });

  it('rejects what is not an object, and names the line of a JSON syntax error', () => {
    expect(problemsOf([])).toEqual(['the config must be a JSON object, got a list']);
    expect(() => parseConfigText('{\n "seed": 1,\n "x": }', 'exp.json')).toThrow(/exp\.json is not valid JSON \(line 3, column 7\)/);
  });

  it('lists the keys two configs differ in', () => {
    const a = parseConfig({});
    const b = parseConfig({ seed: 2, sampler: { name: 'random' }, name: 'other' });
    expect(configDifferences(a, b)).toEqual(['seed', 'sampler.name']);
    expect(configDifferences(a, a)).toEqual([]);
  });

  it('round-trips through the URL, keeping only the differences from the defaults', () => {
    const c = parseConfig({ seed: 5, clusters: { k: 12 }, sampler: { name: 'prioritized' }, train: { loraTargets: ['q_proj'] }, pairs: { reuseProbeAnswers: false } });
    const query = configToQuery(c);
    expect(query).toBe('?seed=5&clusters.k=12&sampler.name=prioritized&pairs.reuseProbeAnswers=false&train.loraTargets=q_proj');
    const back = configFromQuery(query);
    expect(back.config).toEqual(c);
    expect(back.problems).toEqual([]);
    expect(configToQuery(defaultConfig())).toBe('');
  });

  it('a bad URL value names the key and keeps the default; other parameters are left to the page', () => {
    const { config, problems, ignored } = configFromQuery('?seed=abc&clusters.k=null&prompt=hi');
    expect(problems).toEqual(['seed must be a number, got number NaN']);
    expect(config.seed).toBe(1);
    expect(config.clusters.k).toBeNull();
    expect(ignored).toEqual(['prompt']);
  });

  it('withField checks the value; configOverrides keeps only what differs', () => {
    expect(() => withField(defaultConfig(), 'sampler.nope', 1)).toThrow(/sampler\.nope: unknown key/);
    expect(withField(defaultConfig(), 'budget.mode', 'equal-pairs').budget.mode).toBe('equal-pairs');
    expect(configOverrides(parseConfig({ seed: 3, pool: { mix: 'balanced' } }))).toEqual({ seed: 3, pool: { mix: 'balanced' } });
  });

  it('exports a JSON Schema that lists every section and forbids unknown keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, { additionalProperties?: boolean; properties?: Record<string, unknown> }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.sampler.additionalProperties).toBe(false);
    expect(schema.properties.sampler.properties!.name).toMatchObject({ enum: ['sai', 'random', 'curriculum', 'prioritized', 'sai-no-knowledge', 'sai-no-difficulty'] });
    expect(schema.properties.clusters.properties!.k).toMatchObject({ type: ['integer', 'null'] });
  });
});

describe('JSON syntax errors', () => {
  it('are located by line and column', async () => {
    const { jsonErrorLocation } = await import('../../src/loop/json-error.ts');
    expect(jsonErrorLocation('{"a": [1, 2, {"b": null}], "c": "x\\n"}')).toBeNull();
    expect(jsonErrorLocation('{\n "seed": 1,\n "x": }')).toEqual({ line: 3, column: 7 });
    expect(jsonErrorLocation('{"a": 1,}')).toEqual({ line: 1, column: 9 });
    expect(jsonErrorLocation('{"a": tru}')).toEqual({ line: 1, column: 10 });
    expect(jsonErrorLocation('{"a": 1} x')).toEqual({ line: 1, column: 10 });
    expect(jsonErrorLocation('')).toEqual({ line: 1, column: 1 });
    for (const bad of ['{"a": 01}', '[1 2]', '{"a" 1}', '"abc', '{"a": -}']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(jsonErrorLocation(bad)).not.toBeNull();
    }
  });
});

describe('configs/', () => {
  it('experiment.schema.json is the schema the code checks against, and every example config parses', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const dir = new URL('../../configs/', import.meta.url);
    expect(JSON.parse(await readFile(new URL('experiment.schema.json', dir), 'utf8'))).toEqual(configJsonSchema());
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'experiment.schema.json');
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const text = await readFile(new URL(f, dir), 'utf8');
      expect(() => parseConfigText(text, f), f).not.toThrow();
    }
  });
});
