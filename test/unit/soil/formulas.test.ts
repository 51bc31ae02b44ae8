// SPDX-License-Identifier: GPL-2.0-or-later
// Eq. 1–6 against values computed by hand (shown in the comments).
import { describe, it, expect } from 'vitest';
import { socDensity, socSaturation, SATURATION_MODELS } from '../../../algorithms/soil/formulas.js';

describe('soil formulas', () => {
  it('density (Eq. 1): 30 cm · 20 g/kg · 1.3 g/cm³ · 0.95 · 10⁻² = 7.41 kg C m⁻²', () => {
    expect(socDensity(30, 20, 1.3, 5)).toBeCloseTo(7.41, 12);
  });
  it('Hassink saturation: 30 · (4.09 + 0.37·60) · 1.3 · 0.95 · 10⁻² = 30 · 26.29 · 1.235 / 100 = 9.740445', () => {
    expect(socSaturation(30, 60, 1.3, 5, SATURATION_MODELS.hassink)).toBeCloseTo(9.740445, 12);
  });
  it('Elustondo saturation: 30 · (9.04 + 0.27·60) · 1.3 · 0.95 · 10⁻² = 30 · 25.24 · 1.235 / 100 = 9.35142', () => {
    expect(socSaturation(30, 60, 1.3, 5, SATURATION_MODELS.elustondo)).toBeCloseTo(9.35142, 12);
  });
  it('no gravel and a 20 cm layer: 20 · 10 · 1.0 · 1 · 10⁻² = 2', () => {
    expect(socDensity(20, 10, 1.0, 0)).toBeCloseTo(2, 14);
  });
  it('missing stays missing', () => {
    expect(socDensity(30, NaN, 1.3, 0)).toBeNaN();
    expect(socSaturation(30, 60, NaN, 0, SATURATION_MODELS.hassink)).toBeNaN();
  });
});
