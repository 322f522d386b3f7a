// The training client: progress to the current run only, pause/resume/cancel messages, a new run cancels the old.
import { describe, expect, it } from 'vitest';
import type { IclResponse } from '../../src/engine/iclTypes';
import { TrainingClient, type TrainerWorkerLike } from '../../src/engine/training';
import type { FromTrainer, ToTrainer } from '../../src/engine/trainingProtocol';

class FakeTrainer implements TrainerWorkerLike {
  readonly posted: ToTrainer[] = [];
  private listeners: ((ev: MessageEvent<FromTrainer>) => void)[] = [];
  terminated = false;
  postMessage(message: ToTrainer): void {
    this.posted.push(message);
  }
  addEventListener(type: string, listener: (ev: never) => void): void {
    if (type === 'message') this.listeners.push(listener as (ev: MessageEvent<FromTrainer>) => void);
  }
  terminate(): void {
    this.terminated = true;
  }
  send(data: FromTrainer): void {
    for (const l of this.listeners) l({ data } as MessageEvent<FromTrainer>);
  }
}

const progress = (step: number) => ({ learner: 0, step, steps: 10, points: [], done: false });
const response = { d: 1, n: 1, tasks: 1, seed: 0, noise_variance: 0, zero_predictor_risk: 1, cov_eigs: [1], learners: [] } as IclResponse;

describe('TrainingClient', () => {
  it('starts one worker lazily, streams progress, and resolves with the result', async () => {
    const workers: FakeTrainer[] = [];
    const client = new TrainingClient(() => {
      const w = new FakeTrainer();
      workers.push(w);
      return w;
    });
    const steps: number[] = [];
    const run = client.train({ d: 1, n: 1, learners: [] }, { onProgress: (p) => steps.push(p.step) });
    expect(workers).toHaveLength(1);
    const w = workers[0]!;
    expect(w.posted[0]).toMatchObject({ type: 'start', id: run.id });
    w.send({ type: 'progress', id: run.id, progress: progress(3) });
    w.send({ type: 'progress', id: run.id + 1, progress: progress(99) }); // not this run
    run.pause();
    run.resume();
    expect(w.posted.slice(1)).toEqual([{ type: 'pause', id: run.id }, { type: 'resume', id: run.id }]);
    w.send({ type: 'result', id: run.id, response });
    await expect(run.result).resolves.toBe(response);
    expect(steps).toEqual([3]);
  });

  it('a cancelled run resolves with null and ignores later messages; a new run cancels the old', async () => {
    const w = new FakeTrainer();
    const client = new TrainingClient(() => w);
    const steps: number[] = [];
    const first = client.train({ d: 1, n: 1, learners: [] }, { onProgress: (p) => steps.push(p.step) });
    const second = client.train({ d: 2, n: 2, learners: [] }, { onProgress: () => {} });
    await expect(first.result).resolves.toBeNull();
    expect(w.posted).toContainEqual({ type: 'cancel', id: first.id });
    w.send({ type: 'progress', id: first.id, progress: progress(5) });
    expect(steps).toEqual([]);
    second.cancel();
    await expect(second.result).resolves.toBeNull();
    expect(w.posted.at(-1)).toEqual({ type: 'cancel', id: second.id });
  });

  it('rejects with the core error', async () => {
    const w = new FakeTrainer();
    const client = new TrainingClient(() => w);
    const run = client.train({ d: 1, n: 1, learners: [] }, { onProgress: () => {} });
    w.send({ type: 'error', id: run.id, error: { field: 'learners[0].train.lr', message: 'must be positive' } });
    await expect(run.result).rejects.toEqual({ field: 'learners[0].train.lr', message: 'must be positive' });
  });
});
