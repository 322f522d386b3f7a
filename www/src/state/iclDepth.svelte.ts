// V4's state: the live GD / GD++ request (computed when the tab opens) and the on-demand training of K-layer LSAs.
import type { EngineClient } from '../engine/engine';
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import type { TrainingClient, TrainingRun } from '../engine/training';
import type { EngineError } from '../engine/types';
import { depthRequest, trainedDepthRequest, TRAIN_DEPTHS } from '../lib/iclDepth';

export const DEPTH_KEY = 'icl-depth';
/** Enough to pass one GD step's loss at every K on this machine in about a minute; von Oswald trains 50 000 steps. */
export const DEPTH_TRAIN = { steps: 2000, batch: 256 } as const;

export class DepthStore {
  request = $state.raw<IclRequest>(depthRequest());
  response = $state.raw<IclResponse | null>(null);
  running = $state(false);
  error = $state<string | null>(null);
  trainRequest = $state.raw<IclRequest | null>(null);
  trained = $state.raw<IclResponse | null>(null);
  /** Which K is training and its step, while training. */
  training = $state<{ layers: number; step: number; steps: number } | null>(null);
  trainError = $state<string | null>(null);

  private started = false;
  private run: TrainingRun | null = null;

  constructor(
    private readonly client: EngineClient,
    private readonly trainer: TrainingClient,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.compute();
  }

  private async compute(): Promise<void> {
    this.running = true;
    try {
      const response = await this.client.icl(this.request, DEPTH_KEY);
      if (response) this.response = response;
    } catch (raw) {
      const err = raw as EngineError;
      this.error = err.field ? `${err.field}: ${err.message}` : err.message;
    } finally {
      this.running = false;
    }
  }

  train(): void {
    this.cancel();
    const request = trainedDepthRequest(DEPTH_TRAIN.steps, DEPTH_TRAIN.batch);
    this.trainRequest = request;
    this.trained = null;
    this.trainError = null;
    this.training = { layers: TRAIN_DEPTHS[0], step: 0, steps: DEPTH_TRAIN.steps };
    const run = this.trainer.train(request, {
      onProgress: (p) => {
        if (this.run === run && p.learner !== null) this.training = { layers: TRAIN_DEPTHS[p.learner] ?? 0, step: p.step, steps: p.steps };
      },
    });
    this.run = run;
    run.result.then(
      (response) => {
        if (this.run !== run) return;
        this.run = null;
        this.training = null;
        if (response) this.trained = response;
      },
      (err: EngineError) => {
        if (this.run !== run) return;
        this.run = null;
        this.training = null;
        this.trainError = err.field ? `${err.field}: ${err.message}` : err.message;
      },
    );
  }

  cancel(): void {
    const run = this.run;
    this.run = null;
    this.training = null;
    run?.cancel();
  }
}
