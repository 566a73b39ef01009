// Finite-difference checks of every reference backward op: the loss is Σ r·op(inputs) for a seeded
// random r, so the analytic gradients are the backward of dy = r.
import { describe, expect, it } from 'vitest';
import {
  attentionBackwardRef, biasBackwardRef, embeddingBackwardRef, gatherLogprobBackwardRef, matmulBackwardInputRef,
  matmulBackwardWeightRef, rmsnormBackwardRef, ropeBackwardRef, swigluBackwardRef,
} from '../../../src/engine/reference/backward.ts';
import { attentionRef, embeddingRef, gatherLogprobRef, matmulRef, rmsnormRef, ropeRef, swigluRef } from '../../../src/engine/reference/ops.ts';
import { randomArray } from '../../helpers/gpu.ts';
import { gradientCheck, project } from './finite-difference.ts';

// See finite-difference.ts: f32 storage with eps = 1e-2 gives errors near 1e-5; 1e-3 leaves a wide margin
// while still failing on any wrong term (a wrong sign or a missing term gives errors of order 1).
const TOLERANCE = 1e-3;

function expectGradient(name: string, loss: () => number, x: Float32Array, analytic: Float32Array): void {
  const err = gradientCheck(loss, x, analytic);
  console.log(`${name}: relative error ${err.toExponential(2)}`);
  expect(err).toBeLessThan(TOLERANCE);
}

describe('reference backward ops against finite differences', () => {
  it('matmul: dx, dw, dbias', () => {
    const [M, K, N] = [3, 5, 4];
    const x = randomArray(M * K, 1);
    const w = randomArray(N * K, 2);
    const b = randomArray(N, 3);
    const r = randomArray(M * N, 4);
    const loss = () => project(matmulRef(x, w, M, K, N, b), r);
    expectGradient('matmul dx', loss, x, matmulBackwardInputRef(r, w, M, K, N));
    expectGradient('matmul dw', loss, w, matmulBackwardWeightRef(r, x, M, K, N));
    expectGradient('matmul dbias', loss, b, biasBackwardRef(r, M, N));
  });

  it('rmsnorm: dx, dweight', () => {
    const [T, H, eps] = [3, 8, 1e-6];
    const x = randomArray(T * H, 5);
    const weight = randomArray(H, 6, 0.5, 1.5);
    const r = randomArray(T * H, 7);
    const loss = () => project(rmsnormRef(x, weight, T, H, eps), r);
    const { dx, dweight } = rmsnormBackwardRef(x, weight, r, T, H, eps);
    expectGradient('rmsnorm dx', loss, x, dx);
    expectGradient('rmsnorm dweight', loss, weight, dweight);
  });

  it('rope: dx (rotation by the opposite angle)', () => {
    const [nHeads, headDim, theta] = [2, 8, 10000];
    const positions = [0, 3, 17];
    const x = randomArray(positions.length * nHeads * headDim, 8);
    const r = randomArray(x.length, 9);
    const loss = () => project(ropeRef(x, positions, nHeads, headDim, theta), r);
    expectGradient('rope dx', loss, x, ropeBackwardRef(r, positions, nHeads, headDim, theta));
  });

  it('causal GQA attention with a start offset: dq, dk, dv', () => {
    const [nHeads, nKv, d] = [4, 2, 4];
    const S = 6;
    const qPos = [3, 4, 5]; // three new queries after three cached keys
    const q = randomArray(qPos.length * nHeads * d, 10, -2, 2);
    const k = randomArray(S * nKv * d, 11, -2, 2);
    const v = randomArray(S * nKv * d, 12);
    const r = randomArray(q.length, 13);
    const loss = () => project(attentionRef(q, k, v, qPos, nHeads, nKv, d), r);
    const { dq, dk, dv } = attentionBackwardRef(q, k, v, r, qPos, nHeads, nKv, d);
    expectGradient('attention dq', loss, q, dq);
    expectGradient('attention dk', loss, k, dk);
    expectGradient('attention dv', loss, v, dv);
  });

  it('swiglu: dgate, dup', () => {
    const gate = randomArray(24, 14, -4, 4);
    const up = randomArray(24, 15);
    const r = randomArray(24, 16);
    const loss = () => project(swigluRef(gate, up), r);
    const { dgate, dup } = swigluBackwardRef(gate, up, r);
    expectGradient('swiglu dgate', loss, gate, dgate);
    expectGradient('swiglu dup', loss, up, dup);
  });

  it('embedding: dtable adds the rows of repeated ids', () => {
    const [V, H] = [7, 5];
    const ids = [3, 1, 3, 6, 3];
    const table = randomArray(V * H, 17);
    const r = randomArray(ids.length * H, 18);
    const loss = () => project(embeddingRef(table, ids, H), r);
    const dtable = embeddingBackwardRef(r, ids, V, H);
    expectGradient('embedding dtable', loss, table, dtable);
    expect(Array.from(dtable.subarray(0, H))).toEqual(new Array(H).fill(0)); // id 0 never looked up
  });

  it('gathered log-softmax: dlogits of Σ g·log p(target), rows with target −1 ignored', () => {
    const V = 9;
    const targets = [2, -1, 8, 0];
    const g = [1, 0, -0.5, 2];
    const logits = randomArray(targets.length * V, 19, -3, 3);
    const loss = () => {
      const lp = gatherLogprobRef(logits, targets.map((t) => Math.max(t, 0)), V);
      return project(lp, g);
    };
    const d = gatherLogprobBackwardRef(logits, targets, g, V);
    expectGradient('logsoftmax dlogits', loss, logits, d);
    expect(Array.from(d.subarray(V, 2 * V))).toEqual(new Array(V).fill(0));
  });

  it('bad ids give clear errors', () => {
    expect(() => embeddingBackwardRef(new Float32Array(4), [0, 9], 3, 2)).toThrow(/id 9 at row 1/);
    expect(() => gatherLogprobBackwardRef(new Float32Array(6), [1, 7], [1, 1], 3)).toThrow(/target 7 at row 1/);
  });
});
