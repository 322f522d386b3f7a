// The banner's lines: engine failures, the CPU fallback and why, per-map backend notes, URL problems.
import type { DeviceInfo } from '../engine/types';
import type { Result } from '../lib/statsTable';

/** One banner line: a plain sentence, and optionally the raw technical text behind it (shown in a details element). */
export type Notice = { kind: 'info' | 'error'; text: string; details?: string };

/** What the banner says when there is no WebGPU: what happens and why, in one sentence. */
export const NO_WEBGPU_TEXT = 'This browser has no WebGPU, so every map is computed on the CPU path — same numbers, slower.';

type Source = {
  engineError: string | null;
  device: DeviceInfo | null;
  shown: Result[];
  urlProblems: string[];
};

/** The banner's notices, most serious first: engine errors, the CPU path, per-map CPU runs, dropped URL settings. */
export function collectNotices(s: Source): Notice[] {
  const out: Notice[] = [];
  if (s.engineError) out.push({ kind: 'error', text: `The engine reported an error: ${s.engineError}` });
  if (s.device && !s.device.gpu) {
    out.push({ kind: 'info', text: NO_WEBGPU_TEXT, ...(s.device.note ? { details: s.device.note } : {}) });
  }
  if (s.device?.gpu) {
    const notes = new Map<string, string>();
    for (const r of s.shown) {
      if (r.response.backend === 'cpu' && r.response.backend_note) {
        notes.set(`${r.label} was computed on the CPU path instead of the GPU — same numbers, slower.`, r.response.backend_note);
      }
    }
    for (const [text, details] of notes) out.push({ kind: 'info', text, details });
  }
  if (s.urlProblems.length > 0) {
    out.push({ kind: 'info', text: `Some of the link's settings were not used: ${s.urlProblems.slice(0, 6).join('; ')}${s.urlProblems.length > 6 ? '; …' : ''}.` });
  }
  return out;
}
