// SPDX-License-Identifier: GPL-2.0-or-later
// Rounding and unit formatting of the report, against hand-written expectations.
import { describe, it, expect } from 'vitest';
import {
  MISSING, decimalsFor, decimalsForValue, formatBytes, formatCount, formatDistance, formatDuration, formatFraction,
  formatNumber, formatPercent, formatTime, formatWithUnit, niceFloor, parseUnits, prettyUnit, unitOfField,
} from '../../../algorithms/report/format.js';

const NN = '\u202f'; // digit group separator
const NB = '\u00a0'; // value–unit separator

describe('formatNumber', () => {
  it('rounds to three significant digits by default', () => {
    expect(formatNumber(7.3812)).toBe('7.38');
    expect(formatNumber(0.0012345)).toBe('0.00123');
    expect(formatNumber(123.456)).toBe('123');
    expect(formatNumber(5831.5)).toBe('5832');
  });
  it('groups digits from 10 000 with a narrow no-break space; four digits stay whole', () => {
    expect(formatNumber(790605, { decimals: 0 })).toBe(`790${NN}605`);
    expect(formatNumber(1234567.891, { decimals: 2 })).toBe(`1${NN}234${NN}567.89`);
    expect(formatNumber(5831.5, { decimals: 2 })).toBe('5831.50');
    expect(formatNumber(12345, { decimals: 0, grouping: false })).toBe('12345');
  });
  it('uses the minus sign U+2212 and never shows −0', () => {
    expect(formatNumber(-0.0213, { decimals: 3 })).toBe('\u22120.021');
    expect(formatNumber(-0.0004, { decimals: 3 })).toBe('0.000');
    expect(formatNumber(-0, { decimals: 1 })).toBe('0.0');
    expect(formatNumber(-12345.6, { decimals: 1 })).toBe(`\u221212${NN}345.6`);
  });
  it('shows missing values as an en dash, never 0', () => {
    for (const v of [null, undefined, NaN, Infinity, -Infinity]) expect(formatNumber(v)).toBe(MISSING);
    expect(MISSING).toBe('–');
    expect(formatWithUnit(NaN, 'kg C m⁻²')).toBe('–');
  });
});

describe('decimals per column', () => {
  it('chooses decimals from the largest magnitude for three significant digits', () => {
    expect(decimalsFor([0.5, 1.2, 14.3])).toBe(1); // 14.3
    expect(decimalsFor([0.021, 0.0099, 0.047])).toBe(4); // 0.0470: three significant digits
    expect(decimalsFor([1234.5, 17.2])).toBe(0);
    expect(decimalsFor([1, 2, 3])).toBe(0); // whole numbers
    expect(decimalsFor([NaN, null, undefined])).toBe(0);
    expect(decimalsFor([0.000001], 3, 4)).toBe(4); // capped
  });
  it('decimalsForValue', () => {
    expect(decimalsForValue(7.38)).toBe(2);
    expect(decimalsForValue(0.1)).toBe(3);
    expect(decimalsForValue(250)).toBe(0);
    expect(decimalsForValue(0)).toBe(0);
  });
});

describe('units, percent, counts', () => {
  it('joins value and unit with a no-break space', () => {
    expect(formatWithUnit(7.3812, 'kg C m⁻²', { decimals: 2 })).toBe(`7.38${NB}kg C m⁻²`);
    expect(formatWithUnit(5831.5, 'Tg C', { decimals: 2 })).toBe(`5831.50${NB}Tg C`);
    expect(formatWithUnit(3, '')).toBe('3.00');
  });
  it('percent of percents and of fractions', () => {
    expect(formatPercent(41.523)).toBe(`41.5${NB}%`);
    expect(formatFraction(0.41523)).toBe(`41.5${NB}%`);
    expect(formatFraction(0.2181, 2)).toBe(`21.81${NB}%`);
    expect(formatPercent(null)).toBe(MISSING);
  });
  it('counts, durations, sizes, distances, times', () => {
    expect(formatCount(16135)).toBe(`16${NN}135`);
    expect(formatDuration(0.4213)).toBe(`0.42${NB}s`);
    expect(formatDuration(12.34)).toBe(`12.3${NB}s`);
    expect(formatDuration(245)).toBe(`4${NB}min 05${NB}s`);
    expect(formatDuration(3720)).toBe(`1${NB}h 02${NB}min`);
    expect(formatBytes(912)).toBe(`912${NB}B`);
    expect(formatBytes(48_200)).toBe(`48.2${NB}kB`);
    expect(formatBytes(3_414_000)).toBe(`3.41${NB}MB`);
    expect(formatDistance(500)).toBe(`500${NB}m`);
    expect(formatDistance(200_000)).toBe(`200${NB}km`);
    expect(formatTime('2026-01-05T14:03:12.345Z')).toBe('2026-01-05 14:03:12 UTC');
  });
  it('scale bar lengths are 1, 2 or 5 × 10^k', () => {
    expect(niceFloor(227_500)).toBe(200_000);
    expect(niceFloor(0.7)).toBe(0.5);
    expect(niceFloor(1)).toBe(1);
    expect(niceFloor(9999)).toBe(5000);
    expect(niceFloor(0)).toBe(0);
  });
  it('units of the study\'s fields, and user units with ASCII exponents', () => {
    expect(unitOfField('socp_hassink')).toBe('kg C m⁻²');
    expect(unitOfField('soc_density')).toBe('kg C m⁻²');
    expect(unitOfField('soc')).toBe('g C kg⁻¹');
    expect(unitOfField('bd')).toBe('g cm⁻³');
    expect(unitOfField('mat')).toBe('°C');
    expect(unitOfField('npp')).toBe('g C m⁻² yr⁻¹');
    expect(unitOfField('PCLAY1')).toBe('');
    expect(prettyUnit('kg C m-2')).toBe('kg C m⁻²');
    expect(prettyUnit('g C m^-2 yr-1')).toBe('g C m⁻² yr⁻¹');
    expect(prettyUnit('10 deg')).toBe('10 °');
    const u = parseUnits('PCLAY1=percent, OM1=g kg-1');
    expect(unitOfField('PCLAY1', u)).toBe('%');
    expect(unitOfField('OM1', u)).toBe('g kg⁻¹');
    expect(() => parseUnits('soc')).toThrow(/field=unit/);
  });
});
