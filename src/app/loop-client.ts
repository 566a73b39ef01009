// The page's handle on the loop worker (workers/loop.worker.ts): a comlink proxy, restartable after a crash or a
// lost GPU device. The worker owns the GPU and the run store; the page only sends commands and hears events.
import * as Comlink from 'comlink';
import type { LoopWorkerApi } from '../loop/worker-api.ts';

export type LoopRemote = Comlink.Remote<LoopWorkerApi>;

export interface LoopClient {
  readonly remote: LoopRemote;
  terminate(): void;
}

/** Starts the loop worker. `onCrash` hears about errors the worker could not report through a call. */
export async function startLoopWorker(onCrash: (message: string) => void): Promise<LoopClient> {
  const worker = new Worker(new URL('../../workers/loop.worker.ts', import.meta.url), { type: 'module', name: 'loop' });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onCrash(event.message || 'the loop worker failed to start (see the browser console)');
  });
  worker.addEventListener('messageerror', () => onCrash('a message from the loop worker could not be read'));
  const remote = Comlink.wrap<LoopWorkerApi>(worker);
  return {
    remote,
    terminate: () => {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
