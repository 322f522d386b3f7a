// The one app store: view state (URL), catalog, per-map results with progressive fill, errors and progress.
import { findEntry } from '../engine/catalog';
import type { EngineClient } from '../engine/engine';
import type { Catalog, DeviceInfo, EngineError, Request } from '../engine/types';
import { focusedCell, type Cell } from '../lib/cellCursor';
import { sharedScale, type ColorScale } from '../lib/colorScale';
import { debounce } from '../lib/debounce';
import type { GivenQKV } from '../lib/given';
import { validateParams, type ParamValues } from '../lib/params';
import { buildRequest, selectionLabel, targetForField } from '../lib/request';
import { highlightedRow, nextSelection, NO_SELECTION, type RowEvent, type RowSelection } from '../lib/rowSelection';
import type { Result } from '../lib/statsTable';
import { workloadSpecs } from '../lib/workloadSpecs';
import type { WorkloadSpecs } from '../lib/workloads';
import { collectNotices, type Notice } from './notices';
import { resolveWorkload } from './resolveWorkload';
import { resolveVariants, serialize } from './urlState';
import { MAX_VARIANTS, validateWorkload, type MapSize, type ScaleMode, type ScaleRange, type Selected, type Tab, type ViewState, type WorkloadErrors, type WorkloadState } from './view';

export type { Notice };
/** Delay between the last control change and the recompute. */
export const RECOMPUTE_DEBOUNCE_MS = 150;

export type Slot = { key: string; selected: Selected; label: string; request: Request | null };

export class AppStore {
  catalog = $state.raw<Catalog | null>(null);
  device = $state.raw<DeviceInfo | null>(null);
  variants = $state<Selected[]>([]);
  workload = $state<WorkloadState>(null as unknown as WorkloadState);
  scale = $state<ScaleMode>('linear');
  range = $state<ScaleRange>('shared');
  tab = $state<Tab>('compare');
  mapSize = $state<MapSize>('medium');
  /** Presentation mode (projecting): larger type, thicker lines. */
  present = $state(false);
  selection = $state.raw<RowSelection>(NO_SELECTION);
  given = $state.raw<GivenQKV | null>(null);
  /** Results by slot index (a result may belong to an older request while the new one computes). */
  results = $state.raw<(Result | null)[]>([]);
  slotErrors = $state.raw<(string | null)[]>([]);
  coreParamErrors = $state.raw<Record<string, string>[]>([]);
  coreWorkloadErrors = $state.raw<WorkloadErrors>({});
  urlProblems = $state.raw<string[]>([]);
  engineError = $state<string | null>(null);
  progress = $state.raw({ done: 0, total: 0, running: 0 });
  /** Wall time of the last full recompute, from the first request sent to the last map answered. */
  lastComputeMs = $state<number | null>(null);
  compareTo = $state(true);
  /** The compute during which the engine dropped a stale computation by restarting its worker. */
  private restartedIn = $state<number | null>(null);

  /** The workload kinds, ranges, defaults and limits: the core's catalog once it is here, the page's fallback before. */
  workloadSpecs: WorkloadSpecs = $derived(workloadSpecs(this.catalog));
  workloadErrors: WorkloadErrors = $derived({ ...this.coreWorkloadErrors, ...validateWorkload(this.workload, this.workloadSpecs) });
  paramErrors: Record<string, string>[] = $derived(
    this.variants.map((sel, i) => {
      const entry = this.catalog ? findEntry(this.catalog, sel.name) : null;
      return { ...(this.coreParamErrors[i] ?? {}), ...(entry ? validateParams(entry, sel.params) : {}) };
    }),
  );
  slots: Slot[] = $derived(this.variants.map((sel, i) => this.makeSlot(sel, i)));
  busy = $derived(this.progress.done < this.progress.total);
  highlight: number | null = $derived(highlightedRow(this.selection));
  /** The cell cursor: the key column is shared like the row, so every map outlines the same A_ij. */
  cell: Cell | null = $derived(focusedCell(this.selection));
  shown: Result[] = $derived(this.results.filter((r, i): r is Result => r !== null && i < this.variants.length));
  colorScale: ColorScale = $derived(sharedScale(this.shown.map((r) => r.response.attention?.data), this.scale === 'log'));
  /** Each slot's colour scale: the shared one, or (range = map) one stretched over that map's own values. */
  mapScales: ColorScale[] = $derived(
    this.range === 'shared'
      ? this.variants.map(() => this.colorScale)
      : this.variants.map((_, i) => sharedScale([this.results[i]?.response.attention?.data], this.scale === 'log')),
  );
  notices: Notice[] = $derived(collectNotices(this));
  viewHash = $derived(serialize(this.view(), this.workloadSpecs));

  private generation = $state(0);
  /** The current (or, when idle, the last) compute follows an engine restart that dropped stale work. */
  engineRestarted = $derived(this.restartedIn === this.generation);
  private readonly scheduled = debounce(() => void this.compute(), RECOMPUTE_DEBOUNCE_MS);

  constructor(
    private readonly client: EngineClient,
    initial: ViewState,
    problems: string[],
  ) {
    this.apply(initial, problems);
  }

  /** Waits for the engine (device + catalog), resolves the URL's variants and workload against it, computes. */
  start(): void {
    this.client.ready.then(
      ({ info, catalog }) => {
        this.device = info;
        this.catalog = catalog;
        if (catalog.variants.length === 0) {
          this.engineError = 'the wasm core sent an empty variant catalog (rebuild www/pkg with a newer core)';
          return;
        }
        this.apply(this.view(), this.urlProblems);
      },
      () => {}, // reported through the client's onFatal → reportFatal
    );
  }

  stop(): void {
    this.scheduled.cancel();
  }

  view(): ViewState {
    const picked = this.selection.picked;
    return {
      variants: $state.snapshot(this.variants) as Selected[],
      workload: $state.snapshot(this.workload) as WorkloadState,
      row: picked,
      locked: this.selection.locked && picked !== null,
      scale: this.scale,
      range: this.range,
      tab: this.tab,
      mapSize: this.mapSize,
      present: this.present,
    };
  }

  /** Replaces the whole view (URL load, preset, back button), checked against the catalog once it is here. */
  apply(s: ViewState, problems: string[] = []): void {
    if (this.catalog) {
      const w = resolveWorkload(s, this.workloadSpecs);
      const r = resolveVariants(s.variants, this.catalog.variants);
      s = { ...w.state, variants: r.variants };
      problems = [...problems, ...r.problems, ...w.problems];
    }
    this.variants = s.variants.slice(0, MAX_VARIANTS);
    this.workload = structuredClone(s.workload);
    this.scale = s.scale;
    this.range = s.range;
    this.tab = s.tab;
    this.mapSize = s.mapSize;
    this.present = s.present;
    this.selection = s.row === null ? NO_SELECTION : { hover: null, picked: s.row, locked: s.locked, column: null };
    this.urlProblems = problems;
    this.coreParamErrors = [];
    this.coreWorkloadErrors = {};
    if (this.catalog) void this.compute();
  }

  /** The engine replaced its worker to drop a stale computation: said on the progress line of this compute (or the next, when idle). */
  reportRestart(): void {
    this.restartedIn = this.busy ? this.generation : this.generation + 1;
  }

  /** A replacement worker's device (its GPU device is new; it normally says the same). */
  reportDevice(info: DeviceInfo): void {
    this.device = info;
  }

  /** The core crashed and its worker was replaced: said in the banner until the next computation succeeds. */
  reportCrash(message: string): void {
    this.engineError = message;
    this.reportRestart();
  }

  reportFatal(message: string): void {
    this.engineError = message;
    this.progress = { done: 0, total: 0, running: 0 };
  }

  // ── edits from the controls ─────────────────────────────────────────────────────────────
  setWorkload<K extends keyof WorkloadState>(name: K, value: WorkloadState[K]): void {
    if (this.workload[name] === value) return;
    this.workload[name] = value;
    if (this.coreWorkloadErrors[name as string]) this.coreWorkloadErrors = { ...this.coreWorkloadErrors, [name]: undefined };
    this.scheduled();
  }

  setExtra(name: string, value: number | null): void {
    const extras = { ...this.workload.extras };
    if (value === null) delete extras[name];
    else extras[name] = value;
    this.workload.extras = extras;
    this.scheduled();
  }

  setGiven(g: GivenQKV | null): void {
    this.given = g;
    this.coreWorkloadErrors = { ...this.coreWorkloadErrors, given: undefined };
    this.scheduled();
  }

  addVariant(name: string): void {
    if (this.variants.length >= MAX_VARIANTS) return;
    this.variants = [...this.variants, { name, params: {} }];
    this.scheduled();
  }

  removeVariant(index: number): void {
    this.variants = this.variants.filter((_, i) => i !== index);
    this.results = this.results.filter((_, i) => i !== index);
    this.coreParamErrors = this.coreParamErrors.filter((_, i) => i !== index);
    this.client.cancel([`slot-${this.variants.length}`]);
    this.scheduled();
  }

  setParam(index: number, name: string, value: ParamValues[string] | undefined): void {
    const sel = this.variants[index];
    if (!sel) return;
    const params = { ...sel.params };
    if (value === undefined) delete params[name];
    else params[name] = value;
    this.variants[index] = { ...sel, params };
    const errs = { ...(this.coreParamErrors[index] ?? {}) };
    delete errs[name];
    this.coreParamErrors = this.coreParamErrors.map((e, i) => (i === index ? errs : e));
    this.scheduled();
  }

  setScale(s: ScaleMode): void {
    this.scale = s;
  }

  setRange(r: ScaleRange): void {
    this.range = r;
  }

  setTab(t: Tab): void {
    this.tab = t;
  }

  setMapSize(size: MapSize): void {
    this.mapSize = size;
  }

  setPresent(on: boolean): void {
    this.present = on;
  }

  rowEvent(ev: RowEvent): void {
    const n = this.shown[0]?.response.n ?? 0;
    this.selection = nextSelection(this.selection, ev, n);
  }

  // ── computing ───────────────────────────────────────────────────────────────────────────
  private makeSlot(sel: Selected, i: number): Slot {
    const ok =
      Object.keys(validateWorkload(this.workload, this.workloadSpecs)).length === 0 &&
      (this.workload.kind !== 'given' || this.given !== null) &&
      Object.keys(this.paramErrors[i] ?? {}).length === 0;
    const opts = { compareTo: this.compareTo, given: this.given, specs: this.workloadSpecs };
    const request = ok ? buildRequest(sel, $state.snapshot(this.workload) as WorkloadState, opts) : null;
    return { key: `slot-${i}`, selected: sel, label: selectionLabel(sel), request };
  }

  /** Sends one evaluate per map (so maps fill in as they finish); stale work is cancelled. */
  async compute(): Promise<void> {
    this.scheduled.cancel();
    if (!this.catalog) return;
    const slots = this.slots;
    if (slots.some((s) => s.request === null)) return; // invalid controls: send nothing
    const gen = ++this.generation;
    const t0 = performance.now();
    this.client.cancel(Array.from({ length: MAX_VARIANTS }, (_, i) => `slot-${i}`).slice(slots.length));
    this.slotErrors = slots.map(() => null);
    this.results = slots.map((s, i) => {
      const old = this.results[i] ?? null;
      return old && old.request.variant.name === s.selected.name && old.label === s.label ? old : null;
    });
    this.progress = { done: 0, total: slots.length, running: 0 };
    this.lastComputeMs = null;
    const jobs = slots.map(async (slot, i) => {
      try {
        const response = await this.client.evaluate(slot.request!, slot.key, () => {
          if (gen === this.generation) this.progress = { ...this.progress, running: this.progress.running + 1 };
        });
        if (response === null || gen !== this.generation) return;
        this.results = this.results.map((r, j) => (j === i ? { slot: i, label: slot.label, request: slot.request!, response } : r));
        if (Math.max(this.selection.picked ?? -1, this.selection.column ?? -1) >= response.n) {
          this.selection = nextSelection(this.selection, { type: 'resize', n: response.n }, response.n);
        }
      } catch (raw) {
        if (gen !== this.generation) return;
        this.handleError(raw as EngineError, i);
      } finally {
        if (gen === this.generation) this.progress = { ...this.progress, done: this.progress.done + 1 };
      }
    });
    await Promise.all(jobs);
    if (gen === this.generation) {
      this.lastComputeMs = performance.now() - t0;
      if (this.engineError && !this.engineError.startsWith('the wasm core')) this.engineError = null;
    }
  }

  private handleError(err: EngineError, slot: number): void {
    const field = err.field ?? '';
    if (field === 'compare_to' && this.compareTo) {
      this.compareTo = false; // an older core: compute again without the comparison
      this.scheduled();
      return;
    }
    const target = targetForField(field);
    if (target.kind === 'param') {
      this.coreParamErrors = this.variants.map((_, i) => (i === slot ? { ...(this.coreParamErrors[i] ?? {}), [target.param]: err.message } : (this.coreParamErrors[i] ?? {})));
    } else if (target.kind === 'workload') {
      this.coreWorkloadErrors = { ...this.coreWorkloadErrors, [target.control]: `${err.message}` };
    }
    this.slotErrors = this.slotErrors.map((e, i) => (i === slot ? (field ? `${field}: ${err.message}` : err.message) : e));
  }
}
