// V10's RNN panel state: λ and the projections (each a new engine run), the token step t and the play loop (display only).
import type { EngineClient } from '../engine/engine';
import { DEFAULT_RNN, rnnRequest, type RnnProjections, type RnnSetting } from '../lib/iclRnnPanel';
import { IclSingleRun } from './iclSingleRun.svelte';

export const RNN_PANEL_KEY = 'icl-rnn-panel';
/** One token per this many milliseconds while playing. */
const PLAY_MS = 450;

export class RnnPanelStore {
  decay = $state(DEFAULT_RNN.decay);
  projections = $state<RnnProjections>(DEFAULT_RNN.projections);
  /** The token shown, 1 … T. */
  t = $state(1);
  playing = $state(false);
  readonly runner: IclSingleRun;
  setting: RnnSetting = $derived({ decay: this.decay, projections: this.projections });

  private started = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(client: EngineClient) {
    this.runner = new IclSingleRun(client, RNN_PANEL_KEY);
  }

  /** Tokens in the last answer (T). */
  get steps(): number {
    return this.runner.run?.response.rnn?.states.length ?? 0;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.runner.send(rnnRequest(this.setting));
  }

  stop(): void {
    this.pause();
    this.runner.stop();
  }

  setDecay(decay: number): void {
    this.decay = decay;
    this.runner.send(rnnRequest(this.setting));
  }

  setProjections(p: RnnProjections): void {
    this.projections = p;
    this.runner.send(rnnRequest(this.setting));
  }

  setT(t: number): void {
    this.t = Math.max(1, Math.min(Math.max(1, this.steps), Math.round(t)));
  }

  /** Plays t = 1 … T once (from the start when at the end), a token per tick. */
  play(): void {
    if (this.playing) return this.pause();
    if (this.t >= this.steps) this.t = 1;
    this.playing = true;
    this.timer = setInterval(() => {
      if (this.t >= this.steps) this.pause();
      else this.t += 1;
    }, PLAY_MS);
  }

  pause(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.playing = false;
  }

  state(): 'error' | 'computing' | 'ready' {
    if (this.runner.error) return 'error';
    return this.runner.pending || !this.runner.answers(rnnRequest(this.setting)) ? 'computing' : 'ready';
  }
}
