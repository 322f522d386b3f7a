// V10's time-series panel state: the AR order (each a new engine run) and the last answer.
import type { EngineClient } from '../engine/engine';
import { DEFAULT_FORECAST, forecastRequest } from '../lib/iclForecast';
import { IclSingleRun } from './iclSingleRun.svelte';

export const FORECAST_KEY = 'icl-forecast';

export class ForecastStore {
  p = $state(DEFAULT_FORECAST.p);
  readonly runner: IclSingleRun;
  private started = false;

  constructor(client: EngineClient) {
    this.runner = new IclSingleRun(client, FORECAST_KEY);
  }

  request = $derived(forecastRequest({ p: this.p, sigma: DEFAULT_FORECAST.sigma }));

  start(): void {
    if (this.started) return;
    this.started = true;
    this.runner.send(this.request);
  }

  setOrder(p: number): void {
    if (p === this.p) return;
    this.p = p;
    this.runner.send(this.request);
  }
}
