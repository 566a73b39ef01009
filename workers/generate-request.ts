// The bounds of a generation request, checked the same way in the page (URL state) and the worker.
import type { GenerateRequest } from './policy-api.ts';

interface Bound {
  min: number;
  max: number;
  integer: boolean;
}

export const GENERATE_BOUNDS: Record<keyof Omit<GenerateRequest, 'stop'>, Bound> = {
  n: { min: 1, max: 16, integer: true },
  maxNewTokens: { min: 1, max: 1024, integer: true },
  temperature: { min: 0, max: 5, integer: false },
  topP: { min: 0.01, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
};

/** Why `value` is not a valid `field`, or null when it is. */
export function boundProblem(field: keyof typeof GENERATE_BOUNDS, value: unknown): string | null {
  const bound = GENERATE_BOUNDS[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${field} must be a number, got ${JSON.stringify(value)}`;
  if (bound.integer && !Number.isInteger(value)) return `${field} must be a whole number, got ${value}`;
  if (value < bound.min || value > bound.max) return `${field} must be between ${bound.min} and ${bound.max}, got ${value}`;
  return null;
}

/** Returns the request if every field is in bounds, else throws an error naming the field. */
export function checkGenerateRequest(request: GenerateRequest): GenerateRequest {
  for (const field of Object.keys(GENERATE_BOUNDS) as (keyof typeof GENERATE_BOUNDS)[]) {
    const problem = boundProblem(field, request[field]);
    if (problem) throw new RangeError(`generate request: ${problem}`);
  }
  if (request.stop !== undefined && !(Array.isArray(request.stop) && request.stop.every((s) => typeof s === 'string' && s.length > 0))) {
    throw new RangeError('generate request: stop must be a list of non-empty strings');
  }
  return request;
}
