// V5's state: N, σ, seed, the GD++ toggle and γ as typed, the step slider K, and the one engine run behind the figure.
import type { EngineClient } from '../engine/engine';
import { debounce } from '../lib/debounce';
import { checkTrajectory, DEFAULT_TRAJECTORY, STEPS, trajectoryRequest, type TrajectorySetting } from '../lib/iclTrajectory';
import { IclSingleRun } from './iclSingleRun.svelte';

export const TRAJECTORY_KEY = 'icl-trajectory';
const RETYPE_DEBOUNCE_MS = 250;
type Control = 'n' | 'noise' | 'seed' | 'gamma';

export class TrajectoryStore {
  n = $state<number | null>(DEFAULT_TRAJECTORY.n);
  noise = $state<number | null>(DEFAULT_TRAJECTORY.noise);
  seed = $state<number | null>(DEFAULT_TRAJECTORY.seed);
  gamma = $state<number | null>(DEFAULT_TRAJECTORY.gamma);
  gdPp = $state(DEFAULT_TRAJECTORY.gdPp);
  /** Steps shown (0 … STEPS): the slider only, never a new request. */
  k = $state(10);
  readonly runner: IclSingleRun;
  inputErrors = $derived(checkTrajectory({ n: this.n, noise: this.noise, seed: this.seed, gamma: this.gamma }));
  setting: TrajectorySetting | null = $derived(
    Object.keys(this.inputErrors).length > 0 ? null : { n: this.n!, noise: this.noise!, seed: this.seed!, gdPp: this.gdPp, gamma: this.gamma! },
  );
  /** Errors by control: the page's, then the core's (mapped from its dotted field), else for the whole view. */
  errors: Partial<Record<Control | 'view', string>> = $derived.by(() => {
    const core = this.runner.error;
    if (!core) return this.inputErrors;
    const control = ({ n: 'n', noise: 'noise', seed: 'seed', 'trajectory.gd_pp.gamma': 'gamma' } as Record<string, Control>)[core.field];
    return { [control ?? 'view']: control ? core.message : `${core.field ? `${core.field}: ` : ''}${core.message}`, ...this.inputErrors };
  });

  private started = false;
  private readonly scheduled = debounce(() => this.runNow(), RETYPE_DEBOUNCE_MS);

  constructor(client: EngineClient) {
    this.runner = new IclSingleRun(client, TRAJECTORY_KEY);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.runNow();
  }

  stop(): void {
    this.scheduled.cancel();
    this.runner.stop();
  }

  set(control: Control, value: number | null): void {
    this[control] = value;
    this.scheduled();
  }

  setGdPp(on: boolean): void {
    this.gdPp = on;
    this.runNow();
  }

  setK(k: number): void {
    this.k = Math.max(0, Math.min(STEPS, Math.round(k)));
  }

  /** 'error' while an error shows, 'computing' until the answer to the current setting is in, else 'ready'. */
  state(): 'error' | 'computing' | 'ready' {
    if (Object.keys(this.errors).length > 0) return 'error';
    const request = this.setting && trajectoryRequest(this.setting);
    return this.runner.pending || !this.runner.answers(request) ? 'computing' : 'ready';
  }

  private runNow(): void {
    this.scheduled.cancel();
    if (this.setting) this.runner.send(trajectoryRequest(this.setting));
  }
}
