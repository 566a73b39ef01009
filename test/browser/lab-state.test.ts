// The lab's URL state: a link reproduces the settings; bad values fall back to defaults with a warning naming the parameter.
import { describe, expect, test } from 'vitest';
import { DEFAULT_STATE, labStateQuery, parseLabState } from '../../src/app/lab-state.ts';
import { checkGenerateRequest } from '../../workers/generate-request.ts';

describe('lab state in the query string', () => {
  test('no query: the defaults, no warnings', () => {
    expect(parseLabState('')).toEqual({ state: DEFAULT_STATE, warnings: [] });
    expect(labStateQuery(DEFAULT_STATE)).toBe('');
  });

  test('round trip: a state written to the query reads back the same', () => {
    const state = { ...DEFAULT_STATE, prompt: 'a & b = c?\n#1', n: 3, seed: 42, temperature: 0, topP: 0.5, dtype: 'q8' as const, model: '/models/other/' };
    const query = labStateQuery(state);
    expect(query).toContain('seed=42');
    expect(query).not.toContain('maxNewTokens'); // defaults are left out
    expect(parseLabState(query)).toEqual({ state, warnings: [] });
  });

  test('a model path without a trailing slash names the folder', () => {
    expect(parseLabState('?model=/models/missing').state.model).toBe('/models/missing/');
  });

  test('bad values keep the default and say which parameter and why', () => {
    const { state, warnings } = parseLabState('?n=0&seed=1.5&temperature=hot&topP=&dtype=f64&maxNewTokens=99999&model=');
    expect(state).toEqual(DEFAULT_STATE);
    expect(warnings).toEqual([
      'model: empty, using the bundled model',
      'dtype: "f64" is not one of f32, q8, q4; using f32',
      `n: must be between 1 and 16, got 0; using ${DEFAULT_STATE.n}`,
      `maxNewTokens: must be between 1 and 1024, got 99999; using ${DEFAULT_STATE.maxNewTokens}`,
      `temperature: must be a number, got "hot"; using ${DEFAULT_STATE.temperature}`,
      `topP: must be a number, got ""; using ${DEFAULT_STATE.topP}`,
      `seed: must be a whole number, got 1.5; using ${DEFAULT_STATE.seed}`,
    ]);
  });
});

describe('generate request bounds (checked again in the worker)', () => {
  const valid = { n: 2, maxNewTokens: 8, temperature: 0.7, topP: 0.9, seed: 3 };

  test('a valid request passes unchanged', () => {
    expect(checkGenerateRequest(valid)).toEqual(valid);
  });

  test('each bad field is named', () => {
    expect(() => checkGenerateRequest({ ...valid, n: 0 })).toThrow('generate request: n must be between 1 and 16, got 0');
    expect(() => checkGenerateRequest({ ...valid, topP: Number.NaN })).toThrow('topP must be a number');
    expect(() => checkGenerateRequest({ ...valid, seed: -1 })).toThrow('seed must be between');
    expect(() => checkGenerateRequest({ ...valid, stop: [''] })).toThrow('stop must be a list of non-empty strings');
  });
});
