// The module Web Worker that owns the wasm core: attention evaluations and ICL runs, one at a time, superseded ones skipped.
/// <reference lib="webworker" />
import * as wasm from 'attnscope-wasm';
import init, { Engine } from 'attnscope-wasm';
import { EMPTY_CATALOG, toCatalog } from './catalog';
import { toIclResponse } from './iclNormalize';
import type { IclRequest } from './iclTypes';
import { toDeviceInfo, toEngineError, toResponse } from './normalize';
import type { FromWorker, JobMessage, ToWorker } from './protocol';
import type { Catalog, Response } from './types';

declare const self: DedicatedWorkerGlobalScope;

const queue: JobMessage[] = [];
let engine: Engine | null = null;
let running = false;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

/** Buffers to transfer; a view into wasm memory is copied first so the wasm heap is never detached. */
function transferables(resp: Response): Transferable[] {
  const out: Transferable[] = [];
  for (const key of ['output', 'attention'] as const) {
    const m = resp[key];
    if (!m) continue;
    const whole = m.data.byteOffset === 0 && m.data.byteLength === m.data.buffer.byteLength;
    if (!whole || !(m.data.buffer instanceof ArrayBuffer)) m.data = m.data.slice();
    out.push(m.data.buffer as ArrayBuffer);
  }
  return out;
}

/** The core's iclEvaluate (synchronous; throws {field, message}), or a clear error from an older core without it. */
function iclEvaluate(request: IclRequest): unknown {
  const fn = (wasm as unknown as Record<string, unknown>).iclEvaluate;
  if (typeof fn !== 'function') throw { field: '', message: 'this wasm core has no iclEvaluate (rebuild www/pkg with a newer core)' };
  return (fn as (r: IclRequest) => unknown)(request);
}

async function run(engine: Engine, job: JobMessage): Promise<void> {
  if (job.type === 'evaluate') {
    const response = toResponse(await engine.evaluate(job.request));
    post({ type: 'result', id: job.id, response }, transferables(response));
  } else {
    post({ type: 'icl-result', id: job.id, response: toIclResponse(iclEvaluate(job.request)) });
  }
}

/** A trap in the wasm core (a panic) leaves its instance unusable: say so and take no more work. */
function crashed(id: number | null, err: Error): void {
  engine = null;
  queue.length = 0;
  post({ type: 'crashed', id, message: err.message || 'the wasm core trapped' });
}

/** Runs a fault drill: the GPU device destroyed, or a panic in the core. */
function drill(what: 'device-loss' | 'panic'): void {
  if (!engine) return;
  try {
    if (what === 'device-loss') engine.simulateDeviceLoss();
    else engine.simulatePanic();
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) crashed(null, err);
  }
}

async function drain(): Promise<void> {
  if (running || !engine) return;
  running = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const current = job;
      if (queue.some((later) => later.key === current.key)) {
        post({ type: 'skipped', id: current.id });
        continue;
      }
      post({ type: 'started', id: current.id });
      try {
        await run(engine, current);
      } catch (err) {
        if (err instanceof WebAssembly.RuntimeError) {
          crashed(current.id, err);
          return;
        }
        post({ type: 'error', id: current.id, error: toEngineError(err) });
      }
    }
  } finally {
    running = false;
  }
}

self.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === 'drill') {
    drill(msg.what);
  } else if (msg.type === 'cancel') {
    const drop = new Set(msg.ids);
    for (let i = queue.length - 1; i >= 0; i--) {
      if (drop.has(queue[i]!.id)) queue.splice(i, 1);
    }
  } else {
    queue.push(msg);
    void drain();
  }
});

/** The variant and workload catalog; an older core without catalog() gives an empty one (the page then says so). */
function readCatalog(): Catalog {
  const fn = (wasm as unknown as Record<string, unknown>).catalog;
  if (typeof fn !== 'function') return EMPTY_CATALOG;
  try {
    return toCatalog((fn as () => unknown)());
  } catch {
    return EMPTY_CATALOG;
  }
}

async function start(): Promise<void> {
  try {
    await init();
    engine = await Engine.create();
    post({ type: 'ready', info: toDeviceInfo(engine.deviceInfo()), catalog: readCatalog() });
    void drain();
  } catch (err) {
    post({ type: 'init-error', message: `could not start the wasm engine: ${toEngineError(err).message}` });
  }
}

void start();
