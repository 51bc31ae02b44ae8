// SPDX-License-Identifier: GPL-2.0-or-later
// The study's soil-carbon formulas (pure functions, no I/O).
//   Density (Eq. 1):   D   = p · SOC · BD · (1 − ce) · 10⁻²            kg C m⁻²
//   Saturation (3/4):  Sat = p · (a + b · fine) · BD · (1 − ce) · 10⁻²   kg C m⁻²
//   Potential (5/6):   SOCp = Sat − D                                     kg C m⁻²
// p depth (cm), SOC (g C kg⁻¹), BD (g cm⁻³), ce gravel (> 2 mm) volume fraction, fine = % of
// particles < 50 µm. Units check: cm · g kg⁻¹ · g cm⁻³ = 10⁻² kg m⁻² · (g kg⁻¹ → 10⁻³) … the
// 10⁻² factor gives kg m⁻² with BD in g cm⁻³ (the paper writes kg m⁻³, which would not).
// Saturation models: Hassink (1997) a = 4.09, b = 0.37; Elustondo et al. a = 9.04, b = 0.27
// (as used by the 2026 Catena study of Northeast China).

export interface SaturationModel {
  name: string;
  intercept: number;
  slope: number;
  citation: string;
}

export const SATURATION_MODELS: Record<'hassink' | 'elustondo', SaturationModel> = {
  hassink: { name: 'hassink', intercept: 4.09, slope: 0.37, citation: 'Hassink (1997), Plant and Soil 191: 77–87' },
  elustondo: { name: 'elustondo', intercept: 9.04, slope: 0.27, citation: 'Elustondo et al., as applied in the 2026 Catena study' },
};

/** SOC density, kg C m⁻². gravelPct is the > 2 mm volume percentage (0–100). */
export function socDensity(depthCm: number, socGkg: number, bdGcm3: number, gravelPct: number): number {
  return depthCm * socGkg * bdGcm3 * (1 - gravelPct / 100) * 1e-2;
}

/** SOC saturation, kg C m⁻², for fine = % < 50 µm. */
export function socSaturation(depthCm: number, finePct: number, bdGcm3: number, gravelPct: number, m: { intercept: number; slope: number }): number {
  return depthCm * (m.intercept + m.slope * finePct) * bdGcm3 * (1 - gravelPct / 100) * 1e-2;
}
