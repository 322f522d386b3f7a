// V2/V3's state: the training controls, the run (streamed curve, pause, resume, cancel, active time) and its result.
import type { IclRequest, IclResponse, TrainCurvePoint } from '../engine/iclTypes';
import type { TrainingClient, TrainingRun } from '../engine/training';
import type { EngineError } from '../engine/types';
import { checkControl, trainRequest, TRAIN_SETTINGS, type TrainControls, type TrainSetting } from '../lib/iclTraining';

export type TrainStatus = 'idle' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';

export class TrainingStore {
  /** The setting the controls are for, and the one the shown run trained on. */
  setting = $state.raw<TrainSetting>(TRAIN_SETTINGS[0]!);
  runSetting = $state.raw<TrainSetting>(TRAIN_SETTINGS[0]!);
  controls = $state<Record<keyof TrainControls, number | null>>({ ...TRAIN_SETTINGS[0]!.defaults });
  status = $state<TrainStatus>('idle');
  points = $state.raw<TrainCurvePoint[]>([]);
  step = $state(0);
  total = $state(0);
  request = $state.raw<IclRequest | null>(null);
  response = $state.raw<IclResponse | null>(null);
  error = $state<string | null>(null);
  /** Training time so far, pauses excluded. */
  activeMs = $state(0);

  private run: TrainingRun | null = null;
  private since: number | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private banked = 0;

  constructor(private readonly client: TrainingClient) {}

  /** The first invalid control's message, keyed by control. */
  get fieldErrors(): Partial<Record<keyof TrainControls, string>> {
    const out: Partial<Record<keyof TrainControls, string>> = {};
    for (const key of Object.keys(this.controls) as (keyof TrainControls)[]) {
      const bad = checkControl(key, this.controls[key]);
      if (bad) out[key] = bad;
    }
    return out;
  }

  /** Switches the setting; its defaults replace the controls. */
  choose(id: TrainSetting['id']): void {
    const next = TRAIN_SETTINGS.find((t) => t.id === id);
    if (!next || next === this.setting) return;
    this.setting = next;
    this.controls = { ...next.defaults };
  }

  set(key: keyof TrainControls, value: number | null): void {
    this.controls = { ...this.controls, [key]: value };
  }

  start(): void {
    if (Object.keys(this.fieldErrors).length > 0) return;
    const c = this.controls as TrainControls;
    const request = trainRequest(c, this.setting);
    this.request = request;
    this.runSetting = this.setting;
    this.points = [];
    this.response = null;
    this.error = null;
    this.step = 0;
    this.total = c.steps;
    this.banked = 0;
    this.activeMs = 0;
    this.status = 'running';
    this.resumeClock();
    const run = this.client.train(request, {
      onProgress: (p) => {
        if (this.run !== run) return;
        this.step = p.step;
        if (p.points.length) this.points = [...this.points, ...p.points];
      },
      onPaused: () => this.run === run && this.pauseClock(),
      onResumed: () => this.run === run && this.resumeClock(),
    });
    this.run = run;
    run.result.then(
      (response) => {
        if (this.run !== run) return;
        this.pauseClock();
        this.run = null;
        if (response) {
          this.response = response;
          this.status = 'done';
        }
      },
      (err: EngineError) => {
        if (this.run !== run) return;
        this.pauseClock();
        this.run = null;
        this.error = err.field ? `${err.field}: ${err.message}` : err.message;
        this.status = 'error';
      },
    );
  }

  pause(): void {
    if (this.status !== 'running' || !this.run) return;
    this.status = 'paused';
    this.run.pause();
  }

  resume(): void {
    if (this.status !== 'paused' || !this.run) return;
    this.status = 'running';
    this.run.resume();
  }

  cancel(): void {
    if (!this.run) return;
    const run = this.run;
    this.run = null;
    this.pauseClock();
    this.status = 'cancelled';
    run.cancel();
  }

  private resumeClock(): void {
    this.since = performance.now();
    this.ticker ??= setInterval(() => this.tick(), 250);
  }

  private pauseClock(): void {
    this.tick();
    if (this.since !== null) this.banked += performance.now() - this.since;
    this.since = null;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.activeMs = this.banked;
  }

  private tick(): void {
    this.activeMs = this.banked + (this.since !== null ? performance.now() - this.since : 0);
  }
}
