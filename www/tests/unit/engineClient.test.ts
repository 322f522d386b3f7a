// The engine client: ids, per-key supersession, error routing, worker failures (with a fake worker).
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_CATALOG } from '../../src/engine/catalog';
import { EngineClient } from '../../src/engine/engine';
import type { Request } from '../../src/engine/types';
import { fakeResponse, FakeWorker, flush } from './fakeWorker';

function req(n: number): Request {
  return { variant: { name: 'softmax' }, workload: { kind: 'gaussian', n, d_k: 16 }, backend: 'auto' };
}

describe('EngineClient', () => {
  it('posts requests with increasing ids and the given key', () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    void c.evaluate(req(8), 'softmax');
    void c.evaluate(req(8), 'linear_elu');
    expect(w.posted.map((m) => (m.type === 'evaluate' ? [m.id, m.key, m.request.workload] : m))).toEqual([
      [1, 'softmax', { kind: 'gaussian', n: 8, d_k: 16 }],
      [2, 'linear_elu', { kind: 'gaussian', n: 8, d_k: 16 }],
    ]);
  });

  it('resolves the latest request with its response', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const p = c.evaluate(req(8), 'softmax');
    w.send({ type: 'result', id: 1, response: fakeResponse(8) });
    const r = await p;
    expect(r?.n).toBe(8);
    expect(r?.attention?.data.length).toBe(64);
    expect(c.inFlight).toBe(0);
  });

  it('drops a stale response when a newer request with the same key was sent', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const older = c.evaluate(req(8), 'softmax');
    const newer = c.evaluate(req(16), 'softmax');
    // The older one settles as stale right away, before the worker answers.
    expect(await older).toBeNull();
    // The worker's late answer for the older request is ignored; the newer one still resolves.
    w.send({ type: 'result', id: 1, response: fakeResponse(8) });
    w.send({ type: 'result', id: 2, response: fakeResponse(16) });
    expect((await newer)?.n).toBe(16);
  });

  it('does not let a request with another key supersede', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const a = c.evaluate(req(8), 'softmax');
    const b = c.evaluate(req(8), 'linear_elu');
    w.send({ type: 'result', id: 2, response: fakeResponse(5) });
    w.send({ type: 'result', id: 1, response: fakeResponse(7) });
    expect((await a)?.n).toBe(7);
    expect((await b)?.n).toBe(5);
  });

  it('resolves a request the worker skipped as stale', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const p = c.evaluate(req(8), 'softmax');
    w.send({ type: 'skipped', id: 1 });
    expect(await p).toBeNull();
  });

  it('rejects with the core error {field, message}', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const p = c.evaluate(req(0), 'softmax');
    w.send({ type: 'error', id: 1, error: { field: 'workload.n', message: 'n must be in 1..=65536, got 0' } });
    await expect(p).rejects.toEqual({ field: 'workload.n', message: 'n must be in 1..=65536, got 0' });
  });

  it('ignores an error for a superseded request', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const old = c.evaluate(req(0), 'softmax');
    const cur = c.evaluate(req(4), 'softmax');
    w.send({ type: 'error', id: 1, error: { field: 'workload.n', message: 'bad' } });
    w.send({ type: 'result', id: 2, response: fakeResponse(4) });
    expect(await old).toBeNull();
    expect((await cur)?.n).toBe(4);
  });

  it('cancels pending requests by key: stale at once, and the worker is told their ids', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const a = c.evaluate(req(8), 'slot-0');
    const b = c.evaluate(req(8), 'slot-1');
    c.cancel(['slot-0']);
    expect(await a).toBeNull();
    expect(w.posted.at(-1)).toEqual({ type: 'cancel', ids: [1] });
    w.send({ type: 'result', id: 2, response: fakeResponse(8) });
    expect((await b)?.n).toBe(8);
  });

  it('reports when the worker starts a request', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    let started = 0;
    const p = c.evaluate(req(8), 'k', () => started++);
    w.send({ type: 'started', id: 1 });
    expect(started).toBe(1);
    w.send({ type: 'result', id: 1, response: fakeResponse(8) });
    await p;
  });

  it('resolves ready with the device info', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const info = { gpu: false, note: 'navigator.gpu is undefined', adapter: null };
    w.send({ type: 'ready', info, catalog: EMPTY_CATALOG });
    await expect(c.ready).resolves.toEqual({ info, catalog: EMPTY_CATALOG });
  });

  it('rejects pending requests and reports once the worker crashes', async () => {
    const w = new FakeWorker();
    const fatal = vi.fn();
    const c = new EngineClient(w, fatal);
    const p = c.evaluate(req(8), 'softmax');
    w.crash('failed to fetch attnscope_bg.wasm');
    await expect(p).rejects.toEqual({ field: '', message: 'engine worker error: failed to fetch attnscope_bg.wasm' });
    expect(fatal).toHaveBeenCalledWith('engine worker error: failed to fetch attnscope_bg.wasm');
    await expect(c.evaluate(req(8), 'softmax')).rejects.toMatchObject({ field: '' });
    await expect(c.ready).rejects.toMatchObject({ field: '' });
    expect(w.posted).toHaveLength(1);
  });

  it('reports an init failure from the worker', async () => {
    const w = new FakeWorker();
    const fatal = vi.fn();
    const c = new EngineClient(w, fatal);
    w.send({ type: 'init-error', message: 'could not start the wasm engine: boom' });
    await flush();
    expect(fatal).toHaveBeenCalledWith('could not start the wasm engine: boom');
    await expect(c.ready).rejects.toEqual({ field: '', message: 'could not start the wasm engine: boom' });
  });

  it('terminates the worker on dispose', () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    c.dispose();
    expect(w.terminated).toBe(true);
  });
});
