// SPDX-License-Identifier: GPL-2.0-or-later
// socp — soil organic carbon sequestration potential toolbox.
// Copyright (C) 2026 the socp authors. This program is free software: you can redistribute it
// and/or modify it under the terms of the GNU General Public License as published by the Free
// Software Foundation, either version 2 of the License, or (at your option) any later version.
// It is distributed WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
//
// Pure numerical terrain kernels (no GDAL): slope/aspect (Horn 1981, Zevenbergen & Thorne 1987),
// curvature, sink filling (Wang & Liu 2006), flow accumulation (Freeman 1991 MFD, D8,
// Tarboton 1997 D∞), specific catchment area and TWI (Beven & Kirkby 1979), and the SAGA Wetness
// Index (Böhner et al. 2002; SAGA ta_hydrology 15).

export * from './grid.js';
export * from './slope.js';
export * from './curvature.js';
export * from './heap.js';
export * from './fill.js';
export * from './flow.js';
export * from './twi.js';
export * from './saga-wetness.js';
