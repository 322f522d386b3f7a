// Number formatting in badges, ticks and readouts.
import { describe, expect, it } from 'vitest';
import { fmt3, fmtMs, fmtTick, fmtWeight } from '../../src/lib/format';

describe('fmt3', () => {
  it('rounds to three decimals', () => {
    expect(fmt3(2.0794415416798357)).toBe('2.079');
    expect(fmt3(0.99951)).toBe('1.000');
    expect(fmt3(12)).toBe('12.000');
    expect(fmt3(0)).toBe('0.000');
  });
  it('uses a real minus sign', () => {
    expect(fmt3(-0.5)).toBe('−0.500');
  });
  it('marks missing and non-finite values', () => {
    expect(fmt3(null)).toBe('—');
    expect(fmt3(undefined)).toBe('—');
    expect(fmt3(NaN)).toBe('—');
    expect(fmt3(Infinity)).toBe('∞');
  });
});

describe('fmtMs', () => {
  it('shows 3 significant digits below 10 ms', () => {
    expect(fmtMs(1.23456)).toBe('1.23 ms');
    expect(fmtMs(0.05)).toBe('0.05 ms');
  });
  it('shows whole milliseconds above, with thousands separators', () => {
    expect(fmtMs(42.6)).toBe('43 ms');
    expect(fmtMs(12345.2)).toBe('12,345 ms');
  });
  it('marks missing values', () => {
    expect(fmtMs(undefined)).toBe('—');
  });
});

describe('fmtTick', () => {
  it('drops trailing zeros', () => {
    expect(fmtTick(0)).toBe('0');
    expect(fmtTick(0.05)).toBe('0.05');
    expect(fmtTick(60)).toBe('60');
    expect(fmtTick(0.30000000000000004)).toBe('0.3');
  });
});

describe('fmtWeight', () => {
  it('shows four decimals, and tiny weights in exponent form rather than as 0.0000', () => {
    expect(fmtWeight(0.12341)).toBe('0.1234');
    expect(fmtWeight(1)).toBe('1.0000');
    expect(fmtWeight(-0.5)).toBe('−0.5000');
    expect(fmtWeight(0.0000123)).toBe('1.23e−5');
    expect(fmtWeight(0)).toBe('0');
  });
  it('marks missing values', () => {
    expect(fmtWeight(null)).toBe('—');
  });
});
