// The V6/V7 setting: the eigenvalue box, the Monte Carlo budget, the shared request fields and where the core's errors go.
import { describe, expect, it } from 'vitest';
import { AHN_EIGS, baseRequest, controlForField, DEFAULT_SETTING, formatEigs, MAX_TASKS, MIN_TASKS, monteCarloTasks, parseEigs } from '../../src/lib/iclAnisotropic';

describe('the eigenvalue box', () => {
  it('reads numbers and fractions split by commas, semicolons or spaces', () => {
    expect(parseEigs('0.25, 0.5, 1, 2, 4')).toEqual({ eigs: [0.25, 0.5, 1, 2, 4] });
    expect(parseEigs('1 1 1/4;1/16 ,1')).toEqual({ eigs: AHN_EIGS });
    expect(parseEigs(' 1e-2 ')).toEqual({ eigs: [0.01] });
    expect(parseEigs('')).toEqual({ eigs: [] }); // d = 0: the core says so next to the box
  });

  it('leaves ranges to the core but rejects what is not a number', () => {
    expect(parseEigs('1, -2, 0')).toEqual({ eigs: [1, -2, 0] });
    expect(parseEigs('1, x')).toEqual({ error: '"x" is not a number' });
    expect(parseEigs('1/0')).toMatchObject({ error: expect.stringContaining('not a number') });
    expect(parseEigs('Infinity')).toMatchObject({ error: expect.any(String) });
  });

  it('writes the eigenvalues back as the box shows them', () => {
    expect(formatEigs(AHN_EIGS)).toBe('1, 1, 0.25, 0.0625, 1');
    expect(parseEigs(formatEigs(DEFAULT_SETTING.eigs))).toEqual({ eigs: DEFAULT_SETTING.eigs });
  });
});

describe('the requests’ shared fields', () => {
  it('gives the default setting 20 000 tasks and keeps big settings inside the core’s tasks · n · d ≤ 10⁸', () => {
    expect(monteCarloTasks(20, 5)).toBe(20_000);
    expect(monteCarloTasks(1, 1)).toBe(MAX_TASKS);
    expect(monteCarloTasks(200, 20)).toBe(500);
    expect(monteCarloTasks(1024, 64)).toBe(MIN_TASKS);
    expect(MIN_TASKS * 1024 * 64).toBeLessThanOrEqual(1e8);
  });

  it('sends Λ unrotated (diagonal) with d = the number of eigenvalues', () => {
    expect(baseRequest(DEFAULT_SETTING)).toEqual({
      d: 5, n: 20, noise: 0.1, x: 'gaussian', cov_eigs: [0.25, 0.5, 1, 2, 4], rotate: false, prior: 'identity', seed: 0, tasks: 20_000,
    });
  });

  it('puts the core’s errors next to the control they come from', () => {
    expect(controlForField('cov_eigs[2]')).toBe('eigs');
    expect(controlForField('cov_eigs')).toBe('eigs');
    expect(controlForField('d')).toBe('eigs');
    expect(controlForField('learners[2].gamma[1][1]')).toBe('eigs');
    expect(controlForField('n')).toBe('n');
    expect(controlForField('noise')).toBe('noise');
    expect(controlForField('prior')).toBe('prior');
    expect(controlForField('tasks')).toBeNull();
    expect(controlForField('')).toBeNull();
  });
});
