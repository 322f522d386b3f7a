// Typed client for the engine worker: ids, per-key supersession (stale responses dropped), worker errors.
import type { FromWorker, ToWorker } from './protocol';
import type { Catalog, DeviceInfo, EngineError, Request, Response } from './types';

/** The part of a Worker the client uses (a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (ev: Event) => void): void;
  terminate(): void;
}

type Pending = {
  key: string;
  resolve: (r: Response | null) => void;
  reject: (e: EngineError) => void;
  onStart?: (() => void) | undefined;
};

/** What the worker reports once the wasm engine is up. */
export type EngineReady = { info: DeviceInfo; catalog: Catalog };

export class EngineClient {
  /** Resolves with the device description once the wasm engine is up; rejects if it cannot start. */
  readonly ready: Promise<EngineReady>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latest = new Map<string, number>();
  private failure: EngineError | null = null;
  private resolveReady!: (r: EngineReady) => void;
  private rejectReady!: (e: EngineError) => void;

  constructor(
    private readonly worker: WorkerLike,
    /** Called for failures that belong to no request (worker crash, init failure). */
    private readonly onFatal: (message: string) => void = () => {},
  ) {
    this.ready = new Promise<EngineReady>((res, rej) => {
      this.resolveReady = res;
      this.rejectReady = rej;
    });
    this.ready.catch(() => {}); // observed through onFatal; avoid an unhandled rejection
    worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => this.onMessage(ev.data));
    worker.addEventListener('error', (ev: Event) => {
      const detail = (ev as Partial<ErrorEvent>).message;
      const msg = typeof detail === 'string' && detail ? detail : 'the engine worker failed to load or crashed';
      this.fail(`engine worker error: ${msg}`);
    });
    worker.addEventListener('messageerror', () => this.fail('engine worker sent a message that could not be read'));
  }

  /**
   * Evaluates a request. A later call with the same key supersedes this one: the promise then resolves
   * with null (stale) instead of a Response. Rejects with the core's {field, message}.
   */
  evaluate(request: Request, key = 'default', onStart?: () => void): Promise<Response | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const previous = this.latest.get(key);
    this.latest.set(key, id);
    if (previous !== undefined) this.settleStale(previous);
    return new Promise<Response | null>((resolve, reject) => {
      this.pending.set(id, { key, resolve, reject, onStart });
      this.worker.postMessage({ type: 'evaluate', id, key, request });
    });
  }

  /** Settles every pending request with these keys as stale and tells the worker to drop them. */
  cancel(keys: Iterable<string>): void {
    const drop = new Set(keys);
    const ids: number[] = [];
    for (const [id, p] of this.pending) {
      if (drop.has(p.key)) ids.push(id);
    }
    for (const k of drop) this.latest.delete(k);
    ids.forEach((id) => this.settleStale(id));
    if (ids.length > 0) this.worker.postMessage({ type: 'cancel', ids });
  }

  /** Number of requests still waiting for the worker (for tests and busy indicators). */
  get inFlight(): number {
    return this.pending.size;
  }

  dispose(): void {
    this.worker.terminate();
    this.fail('engine stopped');
  }

  private settleStale(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(null);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'ready':
        this.resolveReady({ info: msg.info, catalog: msg.catalog });
        return;
      case 'started':
        this.pending.get(msg.id)?.onStart?.();
        return;
      case 'init-error':
        this.fail(msg.message);
        return;
      case 'skipped':
        this.settleStale(msg.id);
        return;
      case 'result':
      case 'error': {
        const p = this.pending.get(msg.id);
        if (!p) return; // already superseded
        this.pending.delete(msg.id);
        if (this.latest.get(p.key) !== msg.id) {
          p.resolve(null);
        } else if (msg.type === 'result') {
          p.resolve(msg.response);
        } else {
          p.reject(msg.error);
        }
        return;
      }
    }
  }

  private fail(message: string): void {
    if (!this.failure) this.failure = { field: '', message };
    this.rejectReady(this.failure);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
    this.onFatal(message);
  }
}

/** The real engine: a module worker running the wasm core. */
export function startEngine(onFatal: (message: string) => void): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'attnscope-engine' });
  return new EngineClient(worker as unknown as WorkerLike, onFatal);
}
