// Typed client for the engine worker: ids, per-key supersession (stale responses dropped), worker errors,
// and a fresh worker in place of one stuck on a stale computation. Serves attention and ICL requests alike.
import type { IclRequest, IclResponse } from './iclTypes';
import type { Drill, FromWorker, JobMessage, ToWorker } from './protocol';
import type { Catalog, DeviceInfo, EngineError, Request, Response } from './types';

/** The part of a Worker the client uses (a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (ev: Event) => void): void;
  terminate(): void;
}

/** Makes an engine worker; with one the client can replace a worker that is busy with unwanted work. */
export type WorkerFactory = () => WorkerLike;

/**
 * A request nobody waits for any more is abandoned (its worker terminated and replaced) once it has run
 * this long. Wasm cannot be interrupted inside the worker, and a fresh worker costs a wasm init and a GPU
 * device request (tens to a few hundred ms), so short stale runs are cheaper to let finish.
 */
export const STALE_RESTART_MS = 400;

export type EngineOptions = {
  /** Called after a worker stuck on a stale computation was replaced. */
  onRestart?: () => void;
  /** Called after the wasm core crashed (a panic) and its worker was replaced, with what to tell the user. */
  onCrash?: (message: string) => void;
  /** Called with a replacement worker's device description (its GPU device is a new one). */
  onDevice?: (info: DeviceInfo) => void;
  /** How long a stale request may run before its worker is replaced; default STALE_RESTART_MS. */
  staleRestartMs?: number;
  /** Clock in ms (tests drive it); default performance.now. */
  now?: () => number;
};

/** What a request asks the worker to do (its id and key are the client's). */
type Job = { type: 'evaluate'; request: Request } | { type: 'icl'; request: IclRequest };
type Answer = Response | IclResponse;

type Pending = {
  key: string;
  job: Job;
  resolve: (r: Answer | null) => void;
  reject: (e: EngineError) => void;
  onStart?: (() => void) | undefined;
};

/** What the worker reports once the wasm engine is up. */
export type EngineReady = { info: DeviceInfo; catalog: Catalog };

export class EngineClient {
  /** Resolves with the device description once the wasm engine is up; rejects if it cannot start. */
  readonly ready: Promise<EngineReady>;
  private worker: WorkerLike;
  private readonly createWorker: WorkerFactory | null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latest = new Map<string, number>();
  /** The request the current worker is computing, since when (the worker runs one at a time). */
  private running: { id: number; since: number } | null = null;
  private staleTimer: ReturnType<typeof setTimeout> | null = null;
  private readyOnce = false;
  private restartCount = 0;
  private failure: EngineError | null = null;
  private resolveReady!: (r: EngineReady) => void;
  private rejectReady!: (e: EngineError) => void;

  /** Given a worker the client keeps it; given a factory it can also replace it (see STALE_RESTART_MS). */
  constructor(
    workers: WorkerLike | WorkerFactory,
    /** Called for failures that belong to no request (worker crash, init failure). */
    private readonly onFatal: (message: string) => void = () => {},
    private readonly options: EngineOptions = {},
  ) {
    this.createWorker = typeof workers === 'function' ? workers : null;
    this.ready = new Promise<EngineReady>((res, rej) => {
      this.resolveReady = res;
      this.rejectReady = rej;
    });
    this.ready.catch(() => {}); // observed through onFatal; avoid an unhandled rejection
    this.worker = this.attach(typeof workers === 'function' ? workers() : workers);
  }

  /**
   * Evaluates a request. A later call with the same key supersedes this one: the promise then resolves
   * with null (stale) instead of a Response. Rejects with the core's {field, message}.
   */
  evaluate(request: Request, key = 'default', onStart?: () => void): Promise<Response | null> {
    return this.submit({ type: 'evaluate', request }, key, onStart) as Promise<Response | null>;
  }

  /**
   * Runs an in-context regression request (`attnscope icl`) in the worker, queued with the evaluations. The
   * same supersession: a later call with the same key (either kind) makes this one resolve with null.
   * Rejects with the core's {field, message}.
   */
  icl(request: IclRequest, key = 'icl', onStart?: () => void): Promise<IclResponse | null> {
    return this.submit({ type: 'icl', request }, key, onStart) as Promise<IclResponse | null>;
  }

  private submit(job: Job, key: string, onStart: (() => void) | undefined): Promise<Answer | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const previous = this.latest.get(key);
    this.latest.set(key, id);
    if (previous !== undefined) this.settleStale(previous);
    const answer = new Promise<Answer | null>((resolve, reject) => {
      this.pending.set(id, { key, job, resolve, reject, onStart });
      this.worker.postMessage(message(id, key, job));
    });
    this.watchRunning();
    return answer;
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
    this.watchRunning();
  }

  /** Number of requests still waiting for the worker (for tests and busy indicators). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** How many times a worker was replaced to drop a stale computation. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Runs a fault drill in the worker (tests and demos): a lost GPU device, or a panic in the core. */
  drill(what: Drill): void {
    this.worker.postMessage({ type: 'drill', what });
  }

  dispose(): void {
    this.worker.terminate();
    this.fail('engine stopped');
  }

  /** Listens to a worker; events from a worker that was replaced are ignored. */
  private attach(worker: WorkerLike): WorkerLike {
    const current = () => worker === this.worker;
    worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => current() && this.onMessage(ev.data));
    worker.addEventListener('error', (ev: Event) => {
      if (!current()) return;
      const detail = (ev as Partial<ErrorEvent>).message;
      const msg = typeof detail === 'string' && detail ? detail : 'the engine worker failed to load or crashed';
      this.fail(`engine worker error: ${msg}`);
    });
    worker.addEventListener('messageerror', () => current() && this.fail('engine worker sent a message that could not be read'));
    return worker;
  }

  /**
   * Replaces the worker when the request it runs is no longer wanted and has run STALE_RESTART_MS;
   * before that, checks again when it will have.
   */
  private watchRunning(): void {
    const run = this.running;
    if (!run || this.pending.has(run.id) || !this.createWorker || this.failure) return;
    const limit = this.options.staleRestartMs ?? STALE_RESTART_MS;
    const waited = this.now() - run.since;
    if (waited >= limit) {
      this.restart(this.createWorker);
    } else if (this.staleTimer === null) {
      this.staleTimer = setTimeout(() => {
        this.staleTimer = null;
        this.watchRunning();
      }, limit - waited);
    }
  }

  /** Terminates the busy worker and sends the requests still wanted to a fresh one (in their order). */
  private restart(createWorker: WorkerFactory): void {
    this.clearStaleTimer();
    this.running = null;
    this.worker.terminate();
    this.restartCount++;
    this.worker = this.attach(createWorker());
    for (const [id, p] of this.pending) this.worker.postMessage(message(id, p.key, p.job));
    this.options.onRestart?.();
  }

  private now(): number {
    return (this.options.now ?? (() => performance.now()))();
  }

  private clearStaleTimer(): void {
    if (this.staleTimer !== null) clearTimeout(this.staleTimer);
    this.staleTimer = null;
  }

  private settleStale(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(null);
  }

  /** The worker finished with a request (answered, failed or skipped it). */
  private finished(id: number): void {
    if (this.running?.id !== id) return;
    this.running = null;
    this.clearStaleTimer();
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.type) {
      case 'ready':
        // A replacement worker has the same catalog; its device line may differ (a new GPU device).
        if (this.readyOnce) this.options.onDevice?.(msg.info);
        this.readyOnce = true;
        this.resolveReady({ info: msg.info, catalog: msg.catalog });
        return;
      case 'started':
        this.running = { id: msg.id, since: this.now() };
        this.pending.get(msg.id)?.onStart?.();
        this.watchRunning(); // it may have been cancelled before the worker heard
        return;
      case 'init-error':
        this.fail(msg.message);
        return;
      case 'skipped':
        this.finished(msg.id);
        this.settleStale(msg.id);
        return;
      case 'crashed': {
        // The request it was running fails; the others go to a fresh worker.
        const message = `the engine crashed (${msg.message}) and was restarted`;
        const p = msg.id === null ? undefined : this.pending.get(msg.id);
        if (msg.id !== null) {
          this.finished(msg.id);
          this.pending.delete(msg.id);
        }
        p?.reject({ field: '', message });
        if (!this.createWorker) {
          this.fail(message);
          return;
        }
        this.restart(this.createWorker);
        this.options.onCrash?.(message);
        return;
      }
      case 'result':
      case 'icl-result':
      case 'error': {
        this.finished(msg.id);
        const p = this.pending.get(msg.id);
        if (!p) return; // already superseded
        this.pending.delete(msg.id);
        if (this.latest.get(p.key) !== msg.id) {
          p.resolve(null);
        } else if (msg.type === 'error') {
          p.reject(msg.error);
        } else if ((msg.type === 'result') === (p.job.type === 'evaluate')) {
          p.resolve(msg.response);
        } else {
          p.reject({ field: '', message: `engine: the worker sent ${msg.type} for ${p.job.type} request ${msg.id}` });
        }
        return;
      }
    }
  }

  private fail(message: string): void {
    this.clearStaleTimer();
    if (!this.failure) this.failure = { field: '', message };
    this.rejectReady(this.failure);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
    this.onFatal(message);
  }
}

/** The worker message for a job. */
function message(id: number, key: string, job: Job): JobMessage {
  return job.type === 'evaluate' ? { type: 'evaluate', id, key, request: job.request } : { type: 'icl', id, key, request: job.request };
}

/** The real engine: a module worker running the wasm core, replaced when stuck on stale work. */
export function startEngine(onFatal: (message: string) => void, options: EngineOptions = {}): EngineClient {
  const createWorker = () =>
    new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'attnscope-engine' }) as unknown as WorkerLike;
  return new EngineClient(createWorker, onFatal, options);
}
