// Checks user-given device and dtype names (CLI flags, URL or JSON configs) against LoadOptions.
export type Device = 'gpu' | 'cpu';
export type Dtype = 'f32' | 'q8' | 'q4';

/** `value` as a device ('gpu' when absent); `what` names the option in the error. */
export function parseDevice(value: unknown, what = '--device'): Device {
  if (value === undefined) return 'gpu';
  if (value === 'gpu' || value === 'cpu') return value;
  throw new Error(`${what} must be gpu or cpu, got "${String(value)}"`);
}

/** `value` as a weight dtype ('f32' when absent). */
export function parseDtype(value: unknown, what = '--dtype'): Dtype {
  if (value === undefined) return 'f32';
  if (value === 'f32' || value === 'q8' || value === 'q4') return value;
  throw new Error(`${what} must be f32, q8 or q4, got "${String(value)}"`);
}
