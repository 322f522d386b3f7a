// V1's state: the noise toggle and tasks box, and the sweep over k (one engine request per point, points arriving in order).
import type { EngineClient } from '../engine/engine';
import type { EngineError } from '../engine/types';
import { debounce } from '../lib/debounce';
import { checkTasks, contextSizes, DEFAULT_TASKS, NOISELESS, NOISY, pointRequest, sweepOrder, type CurvePoint, type ErrorCurveSetting } from '../lib/iclErrorCurve';

/** The engine key of the sweep: a new sweep's first request supersedes the old sweep's request in flight. */
export const ERROR_CURVE_KEY = 'icl-error-curve';
const RETYPE_DEBOUNCE_MS = 300;

export type ErrorCurveErrors = { tasks?: string; view?: string };

export class ErrorCurveStore {
  noisy = $state(false);
  tasks = $state<number | null>(DEFAULT_TASKS);
  /** The points that have arrived for the current sweep, in the order they arrived (coarse to fine). */
  points = $state.raw<CurvePoint[]>([]);
  /** How many points the current sweep has (2d + 1). */
  total = $state(0);
  running = $state(false);
  /** Wall time of the last complete sweep. */
  sweepMs = $state<number | null>(null);
  errors = $state.raw<ErrorCurveErrors>({});
  setting: ErrorCurveSetting = $derived(this.noisy ? NOISY : NOISELESS);

  private started = false;
  private generation = 0;
  private readonly scheduled = debounce(() => void this.run(), RETYPE_DEBOUNCE_MS);

  constructor(private readonly client: EngineClient) {}

  /** Computes the first sweep the first time the view is shown. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.run();
  }

  stop(): void {
    this.scheduled.cancel();
    this.generation++;
    this.running = false;
    this.client.cancel([ERROR_CURVE_KEY]);
  }

  setNoisy(noisy: boolean): void {
    if (this.noisy === noisy) return;
    this.noisy = noisy;
    void this.run();
  }

  setTasks(tasks: number | null): void {
    this.tasks = tasks;
    this.errors = {};
    this.scheduled();
  }

  /**
   * Sends k = 1 … 2d + 1 one after another, coarse to fine (so other views' requests never wait behind the whole
   * sweep, and the curve spans the axis early).
   */
  async run(): Promise<void> {
    this.scheduled.cancel();
    const bad = checkTasks(this.tasks);
    if (bad) {
      this.errors = { tasks: bad };
      return;
    }
    const gen = ++this.generation;
    const setting = this.setting;
    const tasks = this.tasks!;
    const ks = contextSizes(setting.d);
    this.points = [];
    this.total = ks.length;
    this.errors = {};
    this.running = true;
    this.sweepMs = null;
    const t0 = performance.now();
    for (const k of sweepOrder(ks)) {
      const request = pointRequest(setting, k, tasks);
      try {
        const response = await this.client.icl(request, ERROR_CURVE_KEY);
        if (response === null || gen !== this.generation) return;
        this.points = [...this.points, { k, request, response }];
      } catch (raw) {
        if (gen !== this.generation) return;
        const err = raw as EngineError;
        const text = err.field ? `${err.field}: ${err.message}` : err.message;
        this.errors = err.field === 'tasks' ? { tasks: err.message } : { view: text };
        this.running = false;
        return;
      }
    }
    this.running = false;
    this.sweepMs = performance.now() - t0;
  }
}
