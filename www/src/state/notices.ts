// The banner's lines: engine failures, the CPU fallback and why, per-map backend notes, URL problems.
import type { DeviceInfo } from '../engine/types';
import type { Result } from '../lib/statsTable';

/** One banner line: a plain sentence, and optionally the raw technical text behind it (shown in a details element). */
export type Notice = { kind: 'info' | 'error'; text: string; details?: string };

/** What the banner says when there is no WebGPU: what happens and why, in one sentence. */
export const NO_WEBGPU_TEXT = 'This browser has no WebGPU, so every map is computed on the CPU path — same numbers, slower.';

/** How the core's backend_note starts when auto's probe chose the CPU path. */
const AUTO_CPU_PREFIX = 'auto chose the CPU path';

/** What the banner says then, in one sentence (the measured times go in the details). */
export const AUTO_CPU_TEXT = "This GPU is slower than the CPU path here (often a software adapter), so the maps are computed on the CPU path — same numbers.";

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
      const note = r.response.backend === 'cpu' ? r.response.backend_note : null;
      if (!note) continue;
      // auto's probe found the CPU path faster on this adapter: one line for every map.
      if (note.startsWith(AUTO_CPU_PREFIX)) notes.set(AUTO_CPU_TEXT, note);
      else notes.set(`${r.label} was computed on the CPU path instead of the GPU — same numbers, slower.`, note);
    }
    for (const [text, details] of notes) out.push({ kind: 'info', text, details });
  }
  if (s.urlProblems.length > 0) {
    out.push({ kind: 'info', text: `Some of the link's settings were not used: ${s.urlProblems.slice(0, 6).join('; ')}${s.urlProblems.length > 6 ? '; …' : ''}.` });
  }
  return out;
}
