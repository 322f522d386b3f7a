// The banner's lines: engine failures, the CPU fallback and why, per-map backend notes, URL problems.
import type { DeviceInfo } from '../engine/types';
import type { Result } from '../lib/statsTable';

export type Notice = { kind: 'info' | 'error'; text: string };

type Source = {
  engineError: string | null;
  device: DeviceInfo | null;
  shown: Result[];
  urlProblems: string[];
};

export function collectNotices(s: Source): Notice[] {
  const out: Notice[] = [];
  if (s.engineError) out.push({ kind: 'error', text: `The engine reported an error: ${s.engineError}` });
  if (s.device && !s.device.gpu) {
    const why = s.device.note ? ` Reason: ${s.device.note}` : '';
    out.push({ kind: 'info', text: `WebGPU is not available, so AttnScope runs its CPU path (same numbers, just slower).${why}` });
  }
  if (s.device?.gpu) {
    const notes = new Set<string>();
    for (const r of s.shown) {
      if (r.response.backend === 'cpu' && r.response.backend_note) notes.add(`${r.label} ran on the CPU: ${r.response.backend_note}`);
    }
    for (const text of notes) out.push({ kind: 'info', text });
  }
  if (s.urlProblems.length > 0) {
    out.push({ kind: 'info', text: `Some of the link's settings were not used: ${s.urlProblems.slice(0, 6).join('; ')}${s.urlProblems.length > 6 ? '; …' : ''}.` });
  }
  return out;
}
