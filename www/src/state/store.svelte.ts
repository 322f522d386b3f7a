// The one app store: controls, engine status, the displayed results and the shared row highlight.
import type { EngineClient } from '../engine/engine';
import type { DeviceInfo, EngineError, Request, Response, VariantName } from '../engine/types';
import { sharedDomain, type Domain } from '../lib/colorScale';
import { debounce } from '../lib/debounce';
import {
  buildRequest,
  controlForField,
  DEFAULT_CONTROLS,
  validateControls,
  VARIANTS,
  type ControlName,
  type Controls,
  type FieldErrors,
} from '../lib/request';
import { highlightedRow, nextSelection, NO_SELECTION, type RowEvent, type RowSelection } from '../lib/rowSelection';

/** One displayed map: the exact request sent and what the engine answered. */
export type VariantResult = { request: Request; response: Response };
export type Results = Record<VariantName, VariantResult>;
export type Notice = { kind: 'info' | 'error'; text: string };

/** Delay between the last control change and the recompute. */
export const RECOMPUTE_DEBOUNCE_MS = 150;

export class AppStore {
  controls = $state<Controls>({ ...DEFAULT_CONTROLS });
  /** Errors the core reported for a control, cleared when that control changes. */
  coreErrors = $state<FieldErrors>({});
  /** Client-side checks win over core messages for the same control. */
  fieldErrors: FieldErrors = $derived({ ...this.coreErrors, ...validateControls(this.controls) });
  results = $state.raw<Results | null>(null);
  busy = $state(false);
  device = $state.raw<DeviceInfo | null>(null);
  /** Engine failures that name no control (worker crash, wasm load, unknown field). */
  engineError = $state<string | null>(null);
  selection = $state.raw<RowSelection>(NO_SELECTION);

  highlight: number | null = $derived(highlightedRow(this.selection));
  domain: Domain = $derived(
    sharedDomain(this.results ? VARIANTS.map((v) => this.results?.[v].response.attention?.data) : []),
  );
  notices: Notice[] = $derived(this.collectNotices());

  private generation = 0;
  private readonly scheduled = debounce(() => void this.compute(), RECOMPUTE_DEBOUNCE_MS);

  constructor(private readonly client: EngineClient) {}

  /** Asks for the device description and computes the default view right away. */
  start(): void {
    this.client.ready.then(
      (info) => (this.device = info),
      () => {}, // reported through the client's onFatal → reportFatal
    );
    void this.compute();
  }

  stop(): void {
    this.scheduled.cancel();
  }

  /** Called by the engine client for failures outside any request. */
  reportFatal(message: string): void {
    this.engineError = message;
    this.busy = false;
  }

  setControl<K extends ControlName>(name: K, value: Controls[K]): void {
    if (this.controls[name] === value) return;
    this.controls[name] = value;
    if (this.coreErrors[name]) this.coreErrors = { ...this.coreErrors, [name]: undefined };
    this.scheduled();
  }

  rowEvent(ev: RowEvent): void {
    const n = this.results?.softmax.response.n ?? 0;
    this.selection = nextSelection(this.selection, ev, n);
  }

  /** Recomputes both variants for the current controls; invalid controls send nothing. */
  async compute(): Promise<void> {
    this.scheduled.cancel();
    const controls = $state.snapshot(this.controls);
    if (Object.keys(validateControls(controls)).length > 0) return;
    const requests = VARIANTS.map((v) => buildRequest(v, controls));
    const gen = ++this.generation;
    this.busy = true;
    try {
      const responses = await Promise.all(VARIANTS.map((v, i) => this.client.evaluate(requests[i]!, v)));
      if (gen !== this.generation || responses.some((r) => r === null)) return; // superseded
      const results = {} as Results;
      VARIANTS.forEach((v, i) => (results[v] = { request: requests[i]!, response: responses[i]! }));
      const n = results.softmax.response.n;
      if (this.results && this.results.softmax.response.n !== n) {
        this.selection = nextSelection(this.selection, { type: 'resize', n }, n);
      }
      this.results = results;
      this.coreErrors = {};
      this.engineError = null;
    } catch (raw) {
      if (gen !== this.generation) return;
      const err = raw as EngineError;
      const control = controlForField(err.field ?? '');
      if (control) this.coreErrors = { ...this.coreErrors, [control]: err.message };
      else this.engineError = err.field ? `${err.field}: ${err.message}` : err.message;
    } finally {
      if (gen === this.generation) this.busy = false;
    }
  }

  private collectNotices(): Notice[] {
    const out: Notice[] = [];
    if (this.engineError) out.push({ kind: 'error', text: `The engine reported an error: ${this.engineError}` });
    if (this.device && !this.device.gpu) {
      const why = this.device.note ? ` Reason: ${this.device.note}` : '';
      out.push({
        kind: 'info',
        text: `WebGPU is not available, so AttnScope runs its CPU path (same numbers, just slower).${why}`,
      });
    }
    if (this.device?.gpu && this.results) {
      for (const v of VARIANTS) {
        const r = this.results[v].response;
        if (r.backend === 'cpu' && r.backend_note) out.push({ kind: 'info', text: `${v} ran on the CPU: ${r.backend_note}` });
      }
    }
    return out;
  }
}
