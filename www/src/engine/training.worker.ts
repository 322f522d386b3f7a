// The training Web Worker: one IclTraining (the core's sliced ICL session) at a time, trained a time slice per
// turn of the event loop so pause, resume and cancel act between slices; progress streams to the page.
/// <reference lib="webworker" />
import * as wasm from 'attnscope-wasm';
import init from 'attnscope-wasm';
import { toIclResponse } from './iclNormalize';
import { toEngineError } from './normalize';
import { toTrainProgress } from './trainingNormalize';
import type { FromTrainer, ToTrainer } from './trainingProtocol';

declare const self: DedicatedWorkerGlobalScope;

/** Each slice trains about this long, so a pause or cancel is answered within it. */
const SLICE_MS = 60;

type Session = { advance(budget: number): unknown; done(): boolean; finish(): unknown; free(): void };
type SessionClass = new (request: unknown) => Session;

let ready: Promise<void> | null = null;
let session: Session | null = null;
let runId = 0;
let paused = false;
let looping = false;
let budget = 1;

function post(msg: FromTrainer): void {
  self.postMessage(msg);
}

function sessionClass(): SessionClass {
  const cls = (wasm as unknown as Record<string, unknown>).IclTraining;
  if (typeof cls !== 'function') throw { field: '', message: 'this wasm core has no IclTraining (rebuild www/pkg with a newer core)' };
  return cls as SessionClass;
}

function drop(): void {
  session?.free();
  session = null;
}

/** Yields to the message loop (a macrotask, so queued pause/cancel messages run first). */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function loop(id: number): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (session && id === runId && !paused) {
      const t0 = performance.now();
      const progress = toTrainProgress(session.advance(budget));
      const took = performance.now() - t0;
      // Aim each slice at SLICE_MS (at most doubling per slice).
      budget = Math.max(1, Math.min(budget * 2, Math.round((budget * SLICE_MS) / Math.max(took, 1))));
      post({ type: 'progress', id, progress });
      if (session.done()) {
        const response = toIclResponse(session.finish());
        drop();
        post({ type: 'result', id, response });
        return;
      }
      await yieldToMessages();
    }
  } catch (err) {
    drop();
    post({ type: 'error', id, error: toEngineError(err) });
  } finally {
    looping = false;
  }
}

async function start(id: number, request: unknown): Promise<void> {
  drop();
  runId = id;
  paused = false;
  budget = 1;
  try {
    ready ??= init().then(() => undefined);
    await ready;
    if (id !== runId) return;
    session = new (sessionClass())(request);
  } catch (err) {
    post({ type: 'error', id, error: toEngineError(err) });
    return;
  }
  post({ type: 'started', id });
  await loop(id);
}

self.addEventListener('message', (ev: MessageEvent<ToTrainer>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'start':
      void start(msg.id, msg.request);
      return;
    case 'pause':
      if (msg.id === runId && session) {
        paused = true;
        post({ type: 'paused', id: msg.id });
      }
      return;
    case 'resume':
      if (msg.id === runId && session && paused) {
        paused = false;
        post({ type: 'resumed', id: msg.id });
        void loop(msg.id);
      }
      return;
    case 'cancel':
      if (msg.id === runId) {
        runId++;
        drop();
        post({ type: 'cancelled', id: msg.id });
      }
      return;
  }
});
