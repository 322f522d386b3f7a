// URL hash ⇄ ViewState: a fixed, readable format; strict parsing that reports and drops anything malformed.
import type { CatalogEntry, ParamValue, WorkloadKind } from '../engine/types';
import { checkParam } from '../lib/params';
import { kindWithExtra, workloadInfo } from '../lib/workloadSpecs';
import { FALLBACK_SPECS, PAGE_KINDS, type WorkloadSpecs } from '../lib/workloads';
import { resolveWorkload } from './resolveWorkload';
import { DEFAULT_VIEW, MAP_SIZES, MAX_VARIANTS, TABS, type MapSize, type Selected, type Tab, type ViewState } from './view';

/*
 * Format (every value is plain ASCII; nothing is ever inserted as markup):
 *   #v=softmax(temperature:0.5),linear_elu,performer(features:8,seed:1)
 *    &w=gaussian&n=64&d_k=16&d_v=16&seed=1&causal=1&rope=0&clusters=4
 *    &row=5&lock=1&scale=log&tab=catalog      (tab: compare (the default, omitted), catalog or icl)
 *    &range=map                               (each map on its own colour range; shared is the default, omitted)
 *    &size=large&present=1                    (map size: small, medium (omitted) or large; presentation mode)
 */

export type Parsed = { state: ViewState; problems: string[] };

const MAX_HASH = 4000;
const NAME = /^[a-z][a-z0-9_]{0,39}$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d{1,3})?$/i;
const WORD = /^[A-Za-z0-9_.-]{1,40}$/;
/** The seed range is the page's own (the core takes any u64), so it is checked while reading. */
const SEED = FALLBACK_SPECS.limits.seed;

/** A short, safe echo of user text for messages (shown as text, but keep it readable). */
function echo(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function num(s: string): number | null {
  if (!NUMBER.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

function fmtNum(v: number): string {
  return String(v);
}

function fmtValue(v: ParamValue): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? fmtNum(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return WORD.test(v) ? v : null;
  return null; // matrices stay out of the URL
}

/**
 * Serialises the view; matrix params and given data are not stored (too large for a URL). Of the extras, the
 * kind's parameters in the registry's order (the core's, once its catalog is known).
 */
export function serialize(s: ViewState, specs: WorkloadSpecs = FALLBACK_SPECS): string {
  const parts: string[] = [];
  const vs = s.variants.map((sel) => {
    const ps = Object.entries(sel.params)
      .map(([k, v]) => [k, fmtValue(v)] as const)
      .filter((kv): kv is readonly [string, string] => kv[1] !== null)
      .map(([k, v]) => `${k}:${v}`);
    return ps.length ? `${sel.name}(${ps.join(',')})` : sel.name;
  });
  parts.push(`v=${vs.join(',')}`);
  const w = s.workload;
  parts.push(`w=${w.kind}`);
  if (w.kind !== 'given') {
    if (w.n !== null) parts.push(`n=${w.n}`);
    if (w.d_k !== null) parts.push(`d_k=${w.d_k}`);
    if (w.d_v !== null) parts.push(`d_v=${w.d_v}`);
    if (w.seed !== null) parts.push(`seed=${w.seed}`);
  }
  parts.push(`causal=${w.causal ? 1 : 0}`);
  if (w.rope !== null) parts.push(`rope=${w.rope ? 1 : 0}`);
  for (const { name } of workloadInfo(specs, w.kind)?.extras ?? []) {
    const v = w.extras[name];
    if (v !== undefined) parts.push(`${name}=${fmtNum(v)}`);
  }
  if (s.row !== null) parts.push(`row=${s.row}`);
  if (s.locked) parts.push('lock=1');
  if (s.scale !== 'linear') parts.push(`scale=${s.scale}`);
  if (s.range !== 'shared') parts.push(`range=${s.range}`);
  if (s.tab !== 'compare') parts.push(`tab=${s.tab}`);
  if (s.mapSize !== 'medium') parts.push(`size=${s.mapSize}`);
  if (s.present) parts.push('present=1');
  return `#${parts.join('&')}`;
}

/** Splits "a,b(x:1,y:2),c" at top-level commas; null when the parentheses do not balance. */
function splitVariants(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0 || depth > 1) return null;
    if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) return null;
  out.push(text.slice(start));
  return out.filter((s) => s !== '');
}

function parseVariant(token: string, problems: string[]): Selected | null {
  const m = /^([^()]*)(?:\(([^()]*)\))?$/.exec(token);
  if (!m || !NAME.test(m[1] ?? '')) {
    problems.push(`dropped variant "${echo(token)}": not a variant name`);
    return null;
  }
  const params: Record<string, ParamValue> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const i = pair.indexOf(':');
    const key = i < 0 ? '' : pair.slice(0, i);
    const raw = i < 0 ? '' : pair.slice(i + 1);
    if (!NAME.test(key)) {
      problems.push(`dropped parameter "${echo(pair)}" of ${m[1]}: expected name:value`);
      continue;
    }
    const v: ParamValue | null = raw === 'true' ? true : raw === 'false' ? false : (num(raw) ?? (WORD.test(raw) && /^[A-Za-z]/.test(raw) && !/^(nan|inf(inity)?)$/i.test(raw) ? raw : null));
    if (v === null) problems.push(`dropped ${m[1]}.${key}: "${echo(raw)}" is not a number, true/false or a word`);
    else params[key] = v;
  }
  return { name: m[1]!, params };
}

/** A whole number in min..max; max is Infinity where the registry checks it later (resolveWorkload). */
function parseWhole(key: string, raw: string, min: number, max: number, problems: string[]): number | null {
  const v = num(raw);
  if (v === null || !Number.isInteger(v) || v < min || v > max) {
    const range = Number.isFinite(max) ? `in ${min}..${max}` : `of at least ${min}`;
    problems.push(`dropped ${key}="${echo(raw)}": expected a whole number ${range}`);
    return null;
  }
  return v;
}

function parseFlag(key: string, raw: string, problems: string[]): boolean | null {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  problems.push(`dropped ${key}="${echo(raw)}": expected 0 or 1`);
  return null;
}

/**
 * Parses a location hash. Missing fields take the default view's values; bad ones are reported and dropped.
 * The workload's sizes, extras and row are checked against `specs`; with null (the core's catalog has not
 * arrived) they are only read, and resolveWorkload checks them once it has (variants likewise: resolveVariants).
 */
export function parseHash(hash: string, specs: WorkloadSpecs | null = FALLBACK_SPECS): Parsed {
  const read = readHash(hash, specs ?? FALLBACK_SPECS);
  if (!specs) return read;
  const resolved = resolveWorkload(read.state, specs);
  return { state: resolved.state, problems: [...read.problems, ...resolved.problems] };
}

/** The hash read field by field: syntax and the page's own ranges; `specs` only words messages. */
function readHash(hash: string, specs: WorkloadSpecs): Parsed {
  const problems: string[] = [];
  const base = structuredClone(DEFAULT_VIEW);
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  if (text === '') return { state: base, problems };
  if (text.length > MAX_HASH) return { state: base, problems: [`ignored the URL state: longer than ${MAX_HASH} characters`] };
  const s: ViewState = { ...base, workload: { ...base.workload, extras: {} } };
  const seen = new Set<string>();
  let row: string | null = null;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    let raw: string;
    try {
      raw = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      problems.push(`dropped ${echo(key)}: malformed percent-encoding`);
      continue;
    }
    if (seen.has(key)) {
      problems.push(`dropped a repeated ${echo(key)}`);
      continue;
    }
    seen.add(key);
    const w = s.workload;
    switch (key) {
      case 'v': {
        const tokens = splitVariants(raw);
        if (!tokens) {
          problems.push('dropped the variant list: unbalanced parentheses');
          break;
        }
        const list = tokens.map((t) => parseVariant(t, problems)).filter((x): x is Selected => x !== null);
        if (list.length > MAX_VARIANTS) problems.push(`kept the first ${MAX_VARIANTS} of ${list.length} variants`);
        s.variants = list.slice(0, MAX_VARIANTS);
        break;
      }
      case 'w':
        if ((PAGE_KINDS as readonly string[]).includes(raw)) w.kind = raw as WorkloadKind;
        else problems.push(`dropped w="${echo(raw)}": expected one of ${PAGE_KINDS.join(', ')}`);
        break;
      case 'n':
        w.n = parseWhole(key, raw, 1, Infinity, problems) ?? w.n;
        break;
      case 'd_k':
        w.d_k = parseWhole(key, raw, 1, Infinity, problems) ?? w.d_k;
        break;
      case 'd_v':
        w.d_v = parseWhole(key, raw, 1, Infinity, problems) ?? w.d_v;
        break;
      case 'seed':
        w.seed = parseWhole(key, raw, SEED.min, SEED.max, problems) ?? w.seed;
        break;
      case 'causal':
        w.causal = parseFlag(key, raw, problems) ?? w.causal;
        break;
      case 'rope':
        w.rope = parseFlag(key, raw, problems) ?? w.rope;
        break;
      case 'row':
        row = raw;
        break;
      case 'lock':
        s.locked = parseFlag(key, raw, problems) ?? false;
        break;
      case 'scale':
        if (raw === 'linear' || raw === 'log') s.scale = raw;
        else problems.push(`dropped scale="${echo(raw)}": expected linear or log`);
        break;
      case 'range':
        if (raw === 'shared' || raw === 'map') s.range = raw;
        else problems.push(`dropped range="${echo(raw)}": expected shared or map`);
        break;
      case 'tab':
        if ((TABS as readonly string[]).includes(raw)) s.tab = raw as Tab;
        else problems.push(`dropped tab="${echo(raw)}": expected one of ${TABS.join(', ')}`);
        break;
      case 'size':
        if ((MAP_SIZES as readonly string[]).includes(raw)) s.mapSize = raw as MapSize;
        else problems.push(`dropped size="${echo(raw)}": expected one of ${MAP_SIZES.join(', ')}`);
        break;
      case 'present':
        s.present = parseFlag(key, raw, problems) ?? false;
        break;
      default: {
        // A workload extra (clusters, strength, …): which kind has it, and its range, are resolveWorkload's.
        const v = NAME.test(key) ? num(raw) : null;
        if (v !== null) w.extras[key] = v;
        else if (NAME.test(key) && kindWithExtra(specs, key)) problems.push(`dropped ${key}="${echo(raw)}": ${key} must be a number`);
        else problems.push(`dropped unknown field "${echo(key)}"`);
      }
    }
  }
  if (row !== null) {
    const n = s.workload.kind === 'given' ? Infinity : (s.workload.n ?? 1);
    s.row = parseWhole('row', row, 0, n - 1, problems);
  }
  if (s.row === null) s.locked = false;
  return { state: s, problems };
}

/** Drops variants the catalog lacks and params it does not accept or whose values are out of range. */
export function resolveVariants(list: Selected[], catalog: CatalogEntry[]): { variants: Selected[]; problems: string[] } {
  const problems: string[] = [];
  const out: Selected[] = [];
  for (const sel of list) {
    const entry = catalog.find((e) => e.name === sel.name);
    if (!entry) {
      problems.push(`dropped unknown variant "${echo(sel.name)}"`);
      continue;
    }
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries(sel.params)) {
      const spec = entry.params.find((p) => p.name === k);
      const err = !spec ? `${entry.name} has no parameter ${k}` : spec.kind === 'matrix' || spec.kind === 'vector' ? `${k} cannot come from the URL` : checkParam(spec, v);
      if (err) problems.push(`dropped ${entry.name}.${echo(k)}: ${err}`);
      else params[k] = v;
    }
    out.push({ name: sel.name, params });
  }
  return { variants: out, problems };
}
