// The engine client replaces a worker stuck on a stale computation (with fake workers and a test clock).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_CATALOG } from '../../src/engine/catalog';
import { EngineClient, STALE_RESTART_MS } from '../../src/engine/engine';
import type { ToWorker } from '../../src/engine/protocol';
import type { Request } from '../../src/engine/types';
import { fakeResponse, FakeWorker, fakeWorkers } from './fakeWorker';

function req(n: number): Request {
  return { variant: { name: 'softmax' }, workload: { kind: 'gaussian', n, d_k: 16 }, backend: 'auto' };
}

/** The evaluate messages a worker got, as [id, key]. */
function evaluated(w: FakeWorker): [number, string][] {
  return w.posted.filter((m): m is Extract<ToWorker, { type: 'evaluate' }> => m.type === 'evaluate').map((m) => [m.id, m.key]);
}

/** A client on fake workers whose clock is the (faked) Date. */
function client() {
  const workers = fakeWorkers();
  const onRestart = vi.fn();
  const onDevice = vi.fn();
  const fatal = vi.fn();
  const c = new EngineClient(workers.create, fatal, { onRestart, onDevice, now: () => Date.now() });
  return { c, made: workers.made, onRestart, onDevice, fatal };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EngineClient restarts a worker stuck on stale work', () => {
  it('replaces the worker when the running request is superseded after running past the threshold', async () => {
    const { c, made, onRestart } = client();
    const old = c.evaluate(req(1024), 'slot-0');
    made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(STALE_RESTART_MS + 100);
    const fresh = c.evaluate(req(64), 'slot-0');
    expect(await old).toBeNull();
    expect(made).toHaveLength(2);
    expect(made[0]!.terminated).toBe(true);
    expect(evaluated(made[1]!)).toEqual([[2, 'slot-0']]);
    expect(onRestart).toHaveBeenCalledTimes(1);
    expect(c.restarts).toBe(1);
    made[1]!.send({ type: 'started', id: 2 });
    made[1]!.send({ type: 'result', id: 2, response: fakeResponse(64) });
    expect((await fresh)?.n).toBe(64);
  });

  it('waits until a stale request has run the threshold, counting from when it started', () => {
    const { c, made } = client();
    void c.evaluate(req(1024), 'slot-0');
    made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(100);
    c.cancel(['slot-0']);
    vi.advanceTimersByTime(STALE_RESTART_MS - 101);
    expect(made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(2);
    expect(made[0]!.terminated).toBe(true);
    expect(evaluated(made[1]!)).toEqual([]);
  });

  it('lets a stale request that finishes before the threshold finish (no restart)', () => {
    const { c, made, onRestart } = client();
    void c.evaluate(req(256), 'slot-0');
    made[0]!.send({ type: 'started', id: 1 });
    void c.evaluate(req(64), 'slot-0');
    made[0]!.send({ type: 'result', id: 1, response: fakeResponse(256) });
    made[0]!.send({ type: 'started', id: 2 });
    vi.advanceTimersByTime(10 * STALE_RESTART_MS);
    expect(made).toHaveLength(1);
    expect(onRestart).not.toHaveBeenCalled();
  });

  it('does not restart while the running request is still wanted', () => {
    const { c, made } = client();
    void c.evaluate(req(1024), 'slot-0');
    void c.evaluate(req(1024), 'slot-1');
    made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(10 * STALE_RESTART_MS);
    // Superseding and cancelling queued work leaves the running (wanted) request alone.
    void c.evaluate(req(64), 'slot-1');
    c.cancel(['slot-1']);
    vi.advanceTimersByTime(10 * STALE_RESTART_MS);
    expect(made).toHaveLength(1);
    expect(made[0]!.terminated).toBe(false);
  });

  it('never restarts a client given a single worker (no factory)', () => {
    const w = new FakeWorker();
    const c = new EngineClient(w, () => {}, { now: () => Date.now() });
    void c.evaluate(req(1024), 'slot-0');
    w.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(10 * STALE_RESTART_MS);
    c.cancel(['slot-0']);
    vi.advanceTimersByTime(10 * STALE_RESTART_MS);
    expect(w.terminated).toBe(false);
  });

  it('re-sends the still-wanted queued requests to the fresh worker, in order, and resolves them from it', async () => {
    const { c, made } = client();
    void c.evaluate(req(1024), 'slot-0');
    const b = c.evaluate(req(1024), 'slot-1');
    const dropped = c.evaluate(req(1024), 'slot-2');
    made[0]!.send({ type: 'started', id: 1 });
    c.cancel(['slot-2']);
    expect(await dropped).toBeNull();
    vi.advanceTimersByTime(STALE_RESTART_MS);
    const a = c.evaluate(req(64), 'slot-0');
    expect(made).toHaveLength(2);
    const fresh = made[1]!;
    expect(evaluated(fresh)).toEqual([
      [2, 'slot-1'],
      [4, 'slot-0'],
    ]);
    expect(fresh.posted.find((m) => m.type === 'evaluate' && m.id === 2)).toMatchObject({ request: req(1024) });
    fresh.send({ type: 'result', id: 2, response: fakeResponse(1024) });
    fresh.send({ type: 'result', id: 4, response: fakeResponse(64) });
    expect((await b)?.n).toBe(1024);
    expect((await a)?.n).toBe(64);
  });

  it('ignores answers, errors and crashes from the terminated worker', async () => {
    const { c, made, fatal } = client();
    void c.evaluate(req(1024), 'slot-0');
    const b = c.evaluate(req(64), 'slot-1');
    made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(STALE_RESTART_MS);
    c.cancel(['slot-0']);
    const [old, fresh] = [made[0]!, made[1]!];
    old.send({ type: 'result', id: 2, response: fakeResponse(7) });
    old.send({ type: 'init-error', message: 'late' });
    old.crash('terminated');
    expect(c.inFlight).toBe(1);
    expect(fatal).not.toHaveBeenCalled();
    fresh.send({ type: 'result', id: 2, response: fakeResponse(64) });
    expect((await b)?.n).toBe(64);
  });

  it('keeps the first ready (device and catalog) and reports a replacement worker’s device line', async () => {
    const { c, made, onDevice } = client();
    const info = { gpu: true, note: '', adapter: { name: 'SwiftShader', vendor: 0, device_type: 'Cpu', backend: 'Vulkan', driver: '' } };
    made[0]!.send({ type: 'ready', info, catalog: EMPTY_CATALOG });
    expect(onDevice).not.toHaveBeenCalled();
    void c.evaluate(req(1024), 'slot-0');
    made[0]!.send({ type: 'started', id: 1 });
    vi.advanceTimersByTime(STALE_RESTART_MS);
    c.cancel(['slot-0']);
    const cpu = { gpu: false, note: 'no adapter', adapter: null };
    made[1]!.send({ type: 'ready', info: cpu, catalog: EMPTY_CATALOG });
    expect(onDevice).toHaveBeenCalledWith(cpu);
    await expect(c.ready).resolves.toEqual({ info, catalog: EMPTY_CATALOG });
  });

  it('restarts when a request the client already cancelled starts late and runs too long', () => {
    const { c, made } = client();
    void c.evaluate(req(1024), 'slot-0');
    c.cancel(['slot-0']);
    made[0]!.send({ type: 'started', id: 1 }); // the worker began it before the cancel arrived
    vi.advanceTimersByTime(STALE_RESTART_MS);
    expect(made).toHaveLength(2);
  });
});

describe('EngineClient after a crash of the wasm core', () => {
  it('fails the request that crashed, sends the others to a fresh worker and says so once', async () => {
    const workers = fakeWorkers();
    const onCrash = vi.fn();
    const fatal = vi.fn();
    const c = new EngineClient(workers.create, fatal, { onCrash, now: () => Date.now() });
    const crashed = c.evaluate(req(128), 'slot-0');
    const waiting = c.evaluate(req(64), 'slot-1');
    workers.made[0]!.send({ type: 'started', id: 1 });
    workers.made[0]!.send({ type: 'crashed', id: 1, message: 'unreachable' });
    await expect(crashed).rejects.toMatchObject({ field: '', message: 'the engine crashed (unreachable) and was restarted' });
    expect(workers.made).toHaveLength(2);
    expect(workers.made[0]!.terminated).toBe(true);
    expect(evaluated(workers.made[1]!)).toEqual([[2, 'slot-1']]);
    expect(onCrash).toHaveBeenCalledWith('the engine crashed (unreachable) and was restarted');
    expect(fatal).not.toHaveBeenCalled();
    workers.made[1]!.send({ type: 'result', id: 2, response: fakeResponse(64) });
    expect((await waiting)?.n).toBe(64);
    // A drill goes to the current worker.
    c.drill('device-loss');
    expect(workers.made[1]!.posted.at(-1)).toEqual({ type: 'drill', what: 'device-loss' });
  });
});
