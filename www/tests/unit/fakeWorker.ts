// A scripted stand-in for the engine worker: records posted requests, replies on demand.
import type { WorkerLike } from '../../src/engine/engine';
import type { FromWorker, ToWorker } from '../../src/engine/protocol';
import type { Response } from '../../src/engine/types';

type Listener = (ev: MessageEvent<FromWorker>) => void;

export class FakeWorker implements WorkerLike {
  readonly posted: ToWorker[] = [];
  terminated = false;
  private readonly listeners: Record<string, ((ev: never) => void)[]> = {};

  postMessage(message: ToWorker): void {
    this.posted.push(message);
  }

  addEventListener(type: string, listener: Listener | ((ev: Event) => void)): void {
    (this.listeners[type] ??= []).push(listener as (ev: never) => void);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Delivers a message as if the worker had posted it. */
  send(data: FromWorker): void {
    for (const l of this.listeners.message ?? []) l({ data } as never);
  }

  /** Fires the worker's error event. */
  crash(message: string): void {
    for (const l of this.listeners.error ?? []) l({ type: 'error', message } as never);
  }
}

/** A worker factory that makes FakeWorkers and keeps them, oldest first (the client's replacements). */
export function fakeWorkers(): { create: () => FakeWorker; made: FakeWorker[] } {
  const made: FakeWorker[] = [];
  return {
    made,
    create: () => {
      const w = new FakeWorker();
      made.push(w);
      return w;
    },
  };
}

/** A small valid Response tagged by n so tests can tell responses apart. */
export function fakeResponse(n: number): Response {
  return {
    variant: { name: 'softmax', temperature: 1, scale: 0.25 },
    backend: 'cpu',
    backend_note: null,
    n,
    d_k: 16,
    d_v: 16,
    output: null,
    attention: { rows: n, cols: n, data: new Float32Array(n * n).fill(1 / n) },
    stats: null,
    timing_ms: { total: 1.5 },
  };
}

/** Lets pending promise callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
