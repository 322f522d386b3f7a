// The engine client's ICL requests: the 'icl' message, per-key supersession, answers of the right kind, the stale-run restart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineClient, STALE_RESTART_MS } from '../../src/engine/engine';
import type { IclRequest, IclResponse } from '../../src/engine/iclTypes';
import type { JobMessage } from '../../src/engine/protocol';
import { fakeResponse, FakeWorker, fakeWorkers } from './fakeWorker';

function iclReq(n: number): IclRequest {
  return { d: 5, n, learners: [{ name: 'gd' }] };
}

function iclAnswer(n: number): IclResponse {
  return { d: 5, n, tasks: 10, seed: 0, noise_variance: 0, zero_predictor_risk: 5, cov_eigs: [1, 1, 1, 1, 1], learners: [] };
}

/** The job messages a worker got, as [type, id, key]. */
function jobs(w: FakeWorker): [string, number, string][] {
  return w.posted.filter((m): m is JobMessage => m.type === 'evaluate' || m.type === 'icl').map((m) => [m.type, m.id, m.key]);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EngineClient.icl', () => {
  it('posts an icl message with the request and key, and resolves with the icl-result', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const p = c.icl(iclReq(20), 'icl-v6');
    expect(w.posted).toEqual([{ type: 'icl', id: 1, key: 'icl-v6', request: iclReq(20) }]);
    w.send({ type: 'started', id: 1 });
    w.send({ type: 'icl-result', id: 1, response: iclAnswer(20) });
    expect((await p)?.n).toBe(20);
    expect(c.inFlight).toBe(0);
  });

  it('a newer request with the same key makes the older resolve null; other keys are independent', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const older = c.icl(iclReq(1), 'sweep');
    const other = c.icl(iclReq(2), 'v6');
    const newer = c.icl(iclReq(3), 'sweep');
    expect(await older).toBeNull();
    w.send({ type: 'icl-result', id: 1, response: iclAnswer(1) }); // late: ignored
    w.send({ type: 'icl-result', id: 3, response: iclAnswer(3) });
    w.send({ type: 'icl-result', id: 2, response: iclAnswer(2) });
    expect((await newer)?.n).toBe(3);
    expect((await other)?.n).toBe(2);
  });

  it('shares the key space and the queue with evaluate (one worker, one id sequence)', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const map = c.evaluate({ variant: { name: 'softmax' }, workload: { kind: 'gaussian', n: 8, d_k: 4 } }, 'k');
    const icl = c.icl(iclReq(4), 'k');
    expect(await map).toBeNull();
    expect(jobs(w)).toEqual([
      ['evaluate', 1, 'k'],
      ['icl', 2, 'k'],
    ]);
    w.send({ type: 'icl-result', id: 2, response: iclAnswer(4) });
    expect((await icl)?.n).toBe(4);
  });

  it('rejects with the core’s {field, message}, and rejects an answer of the wrong kind', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const bad = c.icl(iclReq(0), 'a');
    w.send({ type: 'error', id: 1, error: { field: 'n', message: '0 is outside 1..=1024' } });
    await expect(bad).rejects.toEqual({ field: 'n', message: '0 is outside 1..=1024' });
    const mixed = c.icl(iclReq(5), 'b');
    w.send({ type: 'result', id: 2, response: fakeResponse(8) });
    await expect(mixed).rejects.toMatchObject({ field: '', message: expect.stringMatching(/result for icl/) });
  });

  it('resolves null when the worker skips a superseded queued request', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    const p = c.icl(iclReq(5), 'a');
    w.send({ type: 'skipped', id: 1 });
    expect(await p).toBeNull();
  });

  it('replaces a worker stuck on a stale icl run and re-sends the wanted requests as icl messages, in order', async () => {
    vi.useFakeTimers();
    const workers = fakeWorkers();
    const onRestart = vi.fn();
    const c = new EngineClient(workers.create, () => {}, { onRestart, now: () => Date.now() });
    void c.icl(iclReq(41), 'sweep');
    const v6 = c.icl(iclReq(20), 'v6');
    workers.made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(STALE_RESTART_MS + 1);
    const next = c.icl(iclReq(1), 'sweep'); // supersedes the running one: stale for longer than the threshold
    expect(workers.made).toHaveLength(2);
    expect(workers.made[0]!.terminated).toBe(true);
    expect(onRestart).toHaveBeenCalledTimes(1);
    const fresh = workers.made[1]!;
    expect(jobs(fresh)).toEqual([
      ['icl', 2, 'v6'],
      ['icl', 3, 'sweep'],
    ]);
    expect(fresh.posted[0]).toMatchObject({ request: iclReq(20) });
    fresh.send({ type: 'icl-result', id: 2, response: iclAnswer(20) });
    fresh.send({ type: 'icl-result', id: 3, response: iclAnswer(1) });
    expect((await v6)?.n).toBe(20);
    expect((await next)?.n).toBe(1);
  });

  it('rejects at once after the engine failed', async () => {
    const w = new FakeWorker();
    const c = new EngineClient(w);
    w.send({ type: 'init-error', message: 'no wasm' });
    await expect(c.icl(iclReq(5))).rejects.toEqual({ field: '', message: 'no wasm' });
  });
});
