// V6 and V7's state: the shared anisotropic setting (its controls as typed), the two engine runs, and errors by control.
import type { EngineClient } from '../engine/engine';
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import type { EngineError } from '../engine/types';
import { debounce } from '../lib/debounce';
import { controlForField, DEFAULT_SETTING, formatEigs, parseEigs, type AnisotropicSetting, type Prior, type SettingControl } from '../lib/iclAnisotropic';
import { lengthRequest } from '../lib/iclLengthCurve';
import { preconditionerRequest } from '../lib/iclPreconditioner';

export const PRECONDITIONER_KEY = 'icl-preconditioner';
export const LENGTH_CURVE_KEY = 'icl-length-curve';
const RETYPE_DEBOUNCE_MS = 250;

/** A request and the core's answer to it (what a view draws and exports). */
export type IclRun = { request: IclRequest; response: IclResponse };

/** An error next to a control, or for the whole view ('view'). */
export type SettingErrors = Partial<Record<SettingControl | 'view', string>>;

type RunState = { run: IclRun | null; pending: boolean; errors: SettingErrors };

const IDLE: RunState = { run: null, pending: false, errors: {} };

export class AnisotropicStore {
  eigsText = $state(formatEigs(DEFAULT_SETTING.eigs));
  n = $state<number | null>(DEFAULT_SETTING.n);
  noise = $state<number | null>(DEFAULT_SETTING.noise);
  prior = $state<Prior>(DEFAULT_SETTING.prior);
  preconditioner = $state.raw<RunState>(IDLE);
  lengths = $state.raw<RunState>(IDLE);
  /** The page's own (syntax) errors; the core's arrive in each run's errors. */
  inputErrors: SettingErrors = $derived(this.checkInputs());
  /** The errors to show next to the controls: the page's first, then either run's (each view shows its own 'view' error). */
  errors: SettingErrors = $derived({ ...this.lengths.errors, ...this.preconditioner.errors, ...this.inputErrors });

  private started = false;
  private generation = 0;
  private readonly scheduled = debounce(() => this.run(), RETYPE_DEBOUNCE_MS);

  constructor(private readonly client: EngineClient) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.run();
  }

  stop(): void {
    this.scheduled.cancel();
    this.generation++;
    this.client.cancel([PRECONDITIONER_KEY, LENGTH_CURVE_KEY]);
  }

  setEigsText(text: string): void {
    this.eigsText = text;
    this.changed();
  }

  setEigs(eigs: readonly number[]): void {
    this.eigsText = formatEigs(eigs);
    this.changed();
  }

  setN(n: number | null): void {
    this.n = n;
    this.changed();
  }

  setNoise(noise: number | null): void {
    this.noise = noise;
    this.changed();
  }

  setPrior(prior: Prior): void {
    this.prior = prior;
    this.changed();
  }

  /** The setting the controls describe, or null while one of them does not parse. */
  setting(): AnisotropicSetting | null {
    const parsed = parseEigs(this.eigsText);
    if ('error' in parsed || this.n === null || this.noise === null) return null;
    return { eigs: parsed.eigs, n: this.n, noise: this.noise, prior: this.prior };
  }

  /**
   * Where one view stands: `current` when its run answers the setting the controls show now; `state` (its data-state) is
   * 'error' while any error is shown, else 'computing' until the current answer is in, else 'ready'.
   */
  viewStatus(view: 'preconditioner' | 'lengths'): { current: boolean; state: 'error' | 'computing' | 'ready' } {
    const { run, pending, errors } = this[view];
    const setting = this.setting();
    const request = setting && (view === 'preconditioner' ? preconditionerRequest(setting) : lengthRequest(setting));
    const current = run !== null && request !== null && JSON.stringify(run.request) === JSON.stringify(request);
    const state = Object.keys({ ...this.inputErrors, ...errors }).length > 0 ? 'error' : pending || !current ? 'computing' : 'ready';
    return { current, state };
  }

  /** Sends V6's and V7's requests (either may fail on its own; its error goes next to the control it names). */
  run(): void {
    this.scheduled.cancel();
    const setting = this.setting();
    if (!setting) return;
    const gen = ++this.generation;
    this.send(gen, preconditionerRequest(setting), PRECONDITIONER_KEY, (s) => (this.preconditioner = s), () => this.preconditioner);
    this.send(gen, lengthRequest(setting), LENGTH_CURVE_KEY, (s) => (this.lengths = s), () => this.lengths);
  }

  private changed(): void {
    this.preconditioner = { ...this.preconditioner, errors: {} };
    this.lengths = { ...this.lengths, errors: {} };
    this.scheduled();
  }

  private checkInputs(): SettingErrors {
    const out: SettingErrors = {};
    const parsed = parseEigs(this.eigsText);
    if ('error' in parsed) out.eigs = parsed.error;
    if (this.n === null) out.n = 'N must be a number';
    if (this.noise === null) out.noise = 'σ must be a number';
    return out;
  }

  private send(gen: number, request: IclRequest, key: string, set: (s: RunState) => void, get: () => RunState): void {
    set({ ...get(), pending: true });
    this.client.icl(request, key).then(
      (response) => {
        if (response === null || gen !== this.generation) return;
        set({ run: { request, response }, pending: false, errors: {} });
      },
      (raw: EngineError) => {
        if (gen !== this.generation) return;
        const control = controlForField(raw.field ?? '');
        const text = control ? raw.message : raw.field ? `${raw.field}: ${raw.message}` : raw.message;
        set({ ...get(), pending: false, errors: { [control ?? 'view']: text } });
      },
    );
  }
}
