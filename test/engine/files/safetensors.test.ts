import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../../../src/engine/files/half-floats.ts';
import { SafetensorsFile, writeSafetensors } from '../../../src/engine/files/safetensors.ts';
import { randomArray } from '../../helpers/gpu.ts';

/** A safetensors file from a raw header object and data bytes (for malformed files). */
function rawFile(header: unknown, dataBytes: number, headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLengthOverride ?? json.length), true);
  out.set(json, 8);
  return out;
}

const parse = (bytes: Uint8Array) => () => SafetensorsFile.parse(bytes, 'model.safetensors');

describe('safetensors round trip', () => {
  it('writes and reads F32 exactly, with metadata and shapes', () => {
    const a = randomArray(12, 1);
    const b = randomArray(5, 2);
    const bytes = writeSafetensors({ a: { shape: [3, 4], data: a }, 'b.bias': { shape: [5], data: b } }, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0); // padded so the data starts 8-byte aligned
    expect(bytes.length).toBe(8 + headerLength + 17 * 4);
    const file = SafetensorsFile.parse(bytes, 'x.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.info('a')).toMatchObject({ dtype: 'F32', shape: [3, 4], begin: 0, end: 48 });
    expect(file.f32('a')).toEqual(a);
    expect(file.f32('b.bias')).toEqual(b);
  });

  it('converts BF16 and F16 to f32 exactly and rounds to nearest even on write', () => {
    const values = new Float32Array([0, -0, 1, -2.5, 1 / 3, 65504, 1e-7, 6.1e-5, 3.0e-8, 1e6, Infinity, -Infinity]);
    const file = SafetensorsFile.parse(
      writeSafetensors({ h: { dtype: 'F16', shape: [values.length], data: values }, b: { dtype: 'BF16', shape: [values.length], data: values } }),
      'half.safetensors',
    );
    const half = file.f32('h');
    const brain = file.f32('b');
    // Exactly representable in both formats:
    for (const i of [0, 2, 3, 10, 11]) {
      expect(half[i]).toBe(values[i]);
      expect(brain[i]).toBe(values[i]);
    }
    expect(Object.is(half[1], -0)).toBe(true);
    expect(half[4]).toBe(0.333251953125); // f16 nearest to 1/3: 0x3555
    expect(brain[4]).toBe(0.333984375); // bf16 nearest to 1/3: 0x3eab
    expect(half[5]).toBe(65504); // largest f16
    expect(half[9]).toBe(Infinity); // overflow
    expect(half[6]).toBe(2 ** -24 * 2); // 1e-7 rounds to 2 subnormal steps (1.68 steps)
    expect(half[8]).toBe(2 ** -24); // 3e-8 is 0.503 of the smallest subnormal → rounds up
    expect(Math.abs(half[7] - 6.1e-5)).toBeLessThan(2 ** -24);
  });

  it('rounds ties to even in both half formats', () => {
    // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7 → 1 (even); 1 + 3·2^-8 → 1 + 2^-6.
    expect([...bf16ToF32(f32ToBf16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8])))]).toEqual([1, 1 + 2 ** -6]);
    // f16 has 10 mantissa bits: 1 + 2^-11 → 1, 1 + 3·2^-11 → 1 + 2^-9.
    expect([...f16ToF32(f32ToF16(new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11])))]).toEqual([1, 1 + 2 ** -9]);
    expect(Number.isNaN(f16ToF32(f32ToF16(new Float32Array([NaN])))[0])).toBe(true);
    expect(Number.isNaN(bf16ToF32(f32ToBf16(new Float32Array([NaN])))[0])).toBe(true);
  });

  it('every f16 bit pattern survives f16 → f32 → f16', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const back = f32ToF16(f16ToF32(all));
    let mismatches = 0;
    for (let i = 0; i < all.length; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (!isNaN && back[i] !== i) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('parses a Node Buffer that is a view into a larger allocation', () => {
    const a = randomArray(6, 5);
    const bytes = writeSafetensors({ a: { shape: [6], data: a } });
    const view = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes), Buffer.from([7])]).subarray(3, 3 + bytes.length);
    expect(SafetensorsFile.parse(view, 'buffer.safetensors').f32('a')).toEqual(a);
  });

  it('rejects a data length that does not match the shape on write', () => {
    expect(() => writeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/tensor w has 3 values but shape \[2, 2\] needs 4/);
  });
});

describe('safetensors bad input', () => {
  const good = () => writeSafetensors({ a: { shape: [2, 2], data: randomArray(4, 3) }, b: { shape: [3], data: randomArray(3, 4) } });

  it('a file shorter than the header length', () => {
    expect(parse(new Uint8Array(5))).toThrow(/^model\.safetensors: truncated: 5 bytes/);
  });

  it('a header cut short', () => {
    expect(parse(good().subarray(0, 20))).toThrow(/^model\.safetensors: truncated: the header needs \d+ bytes but only 12 follow/);
  });

  it('data cut short', () => {
    const bytes = good();
    expect(parse(bytes.subarray(0, bytes.length - 4))).toThrow(/model\.safetensors: tensor b: data_offsets \[16, 28\] are out of range: the data section has 24 bytes/);
  });

  it('trailing bytes (oversized file)', () => {
    const bytes = good();
    const longer = new Uint8Array(bytes.length + 6);
    longer.set(bytes);
    expect(parse(longer)).toThrow(/model\.safetensors: oversized: 6 bytes after the last tensor/);
  });

  it('an absurd header length', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true);
    expect(parse(bytes)).toThrow(/header length 1099511627776 is larger than/);
  });

  it('a header that is not JSON', () => {
    expect(parse(rawFile('{"a": {"dtype": ', 0))).toThrow(/model\.safetensors \(header\): not valid JSON/);
  });

  it('overlapping tensors', () => {
    const header = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    expect(parse(rawFile(header, 12))).toThrow(/tensor b \[4, 12\) overlaps tensor a \[0, 8\)/);
  });

  it('offsets out of range', () => {
    const header = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    expect(parse(rawFile(header, 8))).toThrow(/tensor a: data_offsets \[0, 16\] are out of range: the data section has 8 bytes/);
  });

  it('offsets that do not match dtype × shape', () => {
    const header = { a: { dtype: 'BF16', shape: [2, 3], data_offsets: [0, 24] } };
    expect(parse(rawFile(header, 24))).toThrow(/tensor a: data_offsets \[0, 24\] span 24 bytes but BF16 × \[2, 3\] needs 12/);
  });

  it('a hole between tensors', () => {
    const header = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
    expect(parse(rawFile(header, 12))).toThrow(/bytes \[4, 8\) of the data section belong to no tensor \(before b\)/);
  });

  it('end before begin, bad shapes', () => {
    expect(parse(rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, 8))).toThrow(/end before they begin/);
    expect(parse(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4))).toThrow(/tensor a: shape must be an array of non-negative integers/);
    expect(parse(rawFile({ a: 5 }, 0))).toThrow(/tensor a: expected an object/);
  });

  it('an unknown dtype', () => {
    expect(parse(rawFile({ a: { dtype: 'Q4_K', shape: [2], data_offsets: [0, 2] } }, 2))).toThrow(/tensor a: unknown dtype "Q4_K"/);
  });

  it('a dtype that parses but cannot be loaded as weights', () => {
    const file = SafetensorsFile.parse(rawFile({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, 16), 'model.safetensors');
    expect(() => file.f32('ids')).toThrow(/model\.safetensors: tensor ids has dtype I64, which cannot be loaded as weights/);
    expect(() => file.f32('nope')).toThrow(/model\.safetensors: no tensor named nope/);
  });

  it('non-string metadata', () => {
    expect(parse(rawFile({ __metadata__: { format: 1 } }, 0))).toThrow(/__metadata__\.format must be a string/);
  });
});
