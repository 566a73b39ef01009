// The page's handle on the policy worker: a comlink proxy, plus a way to start a fresh worker
// when the current one died (a crash in the worker's top level, or a lost device the user wants to reset).
import * as Comlink from 'comlink';
import type { PolicyApi } from '../../workers/policy-api.ts';

export type PolicyRemote = Comlink.Remote<PolicyApi>;

export interface PolicyClient {
  readonly remote: PolicyRemote;
  terminate(): void;
}

/** Starts the policy worker. `onCrash` hears about errors the worker could not report through a call. */
export function startPolicyWorker(onCrash: (message: string) => void): PolicyClient {
  const worker = new Worker(new URL('../../workers/policy.worker.ts', import.meta.url), { type: 'module', name: 'policy' });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onCrash(event.message || 'the policy worker failed to start (see the browser console)');
  });
  worker.addEventListener('messageerror', () => onCrash('a message from the policy worker could not be read'));
  const remote = Comlink.wrap<PolicyApi>(worker);
  return {
    remote,
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Wraps a callback so the worker can call it back across the boundary. */
export const callback = <T extends (...args: never[]) => unknown>(fn: T): T => Comlink.proxy(fn) as unknown as T;
