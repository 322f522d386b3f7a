// The module Web Worker that owns the wasm Engine: one request at a time, superseded ones skipped.
/// <reference lib="webworker" />
import init, { Engine } from 'attnscope-wasm';
import { toDeviceInfo, toEngineError, toResponse } from './normalize';
import type { FromWorker, ToWorker } from './protocol';
import type { Response } from './types';

declare const self: DedicatedWorkerGlobalScope;

const queue: ToWorker[] = [];
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
      try {
        const response = toResponse(await engine.evaluate(current.request));
        post({ type: 'result', id: current.id, response }, transferables(response));
      } catch (err) {
        post({ type: 'error', id: current.id, error: toEngineError(err) });
      }
    }
  } finally {
    running = false;
  }
}

self.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  if (ev.data.type === 'evaluate') {
    queue.push(ev.data);
    void drain();
  }
});

async function start(): Promise<void> {
  try {
    await init();
    engine = await Engine.create();
    post({ type: 'ready', info: toDeviceInfo(engine.deviceInfo()) });
    void drain();
  } catch (err) {
    post({ type: 'init-error', message: `could not start the wasm engine: ${toEngineError(err).message}` });
  }
}

void start();
