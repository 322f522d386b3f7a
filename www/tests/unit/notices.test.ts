// The banner's lines: one plain sentence per notice; the raw adapter or backend text only as details.
import { describe, expect, it } from 'vitest';
import type { Response } from '../../src/engine/types';
import type { Result } from '../../src/lib/statsTable';
import { AUTO_CPU_TEXT, collectNotices, NO_WEBGPU_TEXT } from '../../src/state/notices';

const cpuResult = (label: string, note: string | null): Result => ({
  slot: 0,
  label,
  request: { variant: { name: label }, workload: { kind: 'gaussian', n: 2, d_k: 1 } },
  response: { backend: 'cpu', backend_note: note } as Response,
});

describe('collectNotices', () => {
  it('says in one sentence what happens without WebGPU and keeps the driver text as details', () => {
    const raw = 'requestAdapter() returned null: Vulkan: vkCreateInstance failed (VK_ERROR_INCOMPATIBLE_DRIVER)';
    const notices = collectNotices({ engineError: null, device: { gpu: false, note: raw, adapter: null }, shown: [], urlProblems: [] });
    expect(notices).toEqual([{ kind: 'info', text: NO_WEBGPU_TEXT, details: raw }]);
    expect(NO_WEBGPU_TEXT.split(/(?<=\.)\s/)).toHaveLength(1);
    expect(NO_WEBGPU_TEXT).not.toContain('Vulkan');
  });

  it('has no details when the core gives no reason', () => {
    const notices = collectNotices({ engineError: null, device: { gpu: false, note: '', adapter: null }, shown: [], urlProblems: [] });
    expect(notices).toEqual([{ kind: 'info', text: NO_WEBGPU_TEXT }]);
  });

  it('names a map that fell back to the CPU in words, once, with the backend note as details', () => {
    const shown = [cpuResult('performer', 'n = 5000 needs 100 MB > maxStorageBufferBindingSize'), cpuResult('performer', 'n = 5000 needs 100 MB > maxStorageBufferBindingSize')];
    const notices = collectNotices({ engineError: null, device: { gpu: true, note: '', adapter: null }, shown, urlProblems: [] });
    expect(notices).toEqual([
      { kind: 'info', text: 'performer was computed on the CPU path instead of the GPU — same numbers, slower.', details: 'n = 5000 needs 100 MB > maxStorageBufferBindingSize' },
    ]);
  });

  it("says once, for every map, that auto's probe chose the CPU path, with the measured times as details", () => {
    const note = 'auto chose the CPU path: on this adapter (SwiftShader) a 512-token softmax took 90.0 ms on the GPU and 6.0 ms on the CPU path; ask for "gpu" to force it';
    const shown = [cpuResult('softmax', note), cpuResult('performer', note)];
    const notices = collectNotices({ engineError: null, device: { gpu: true, note: '', adapter: null }, shown, urlProblems: [] });
    expect(notices).toEqual([{ kind: 'info', text: AUTO_CPU_TEXT, details: note }]);
    expect(AUTO_CPU_TEXT).not.toContain('slower.');
  });

  it('puts engine errors first and lists dropped URL settings', () => {
    const notices = collectNotices({ engineError: 'boom', device: null, shown: [], urlProblems: ['dropped n="x"'] });
    expect(notices.map((n) => n.kind)).toEqual(['error', 'info']);
    expect(notices[0]!.text).toBe('The engine reported an error: boom');
    expect(notices[1]!.text).toBe('Some of the link\u2019s settings were not used: dropped n="x".'.replace('\u2019', "'"));
  });
});
