// SPDX-License-Identifier: GPL-2.0-or-later
// The tiling of a raster grid: fixed by the grid and a tile size (default 512 × 512, a multiple of
// the 256 × 256 blocks socp writes), never by the number of workers — so the tiles, their files and
// the mosaic are the same whether 1 or 100 machines compute them. A tile with a halo reads a larger
// window, clipped to the grid: where the window meets the grid's edge the tile is at a real edge,
// and an algorithm's edge rules apply there exactly as in a run over the whole grid.

export const DEFAULT_TILE_SIZE = 512;

export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile extends Window {
  /** row-major index over the tiling */
  index: number;
  /** the window read (the tile plus its halo, clipped to the grid) */
  read: Window;
  /** where the tile lies inside the read window */
  core: Window;
  /** which of the tile's edges are the grid's own */
  edges: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

export interface Tiling {
  width: number;
  height: number;
  tileSize: number;
  columns: number;
  rows: number;
  count: number;
}

export function tiling(width: number, height: number, tileSize = DEFAULT_TILE_SIZE): Tiling {
  if (!Number.isInteger(tileSize) || tileSize < 16) throw new RangeError(`tile size must be a whole number ≥ 16, got ${tileSize}`);
  const columns = Math.ceil(width / tileSize);
  const rows = Math.ceil(height / tileSize);
  return { width, height, tileSize, columns, rows, count: columns * rows };
}

export function tileAt(t: Tiling, index: number, halo = 0): Tile {
  if (!Number.isInteger(index) || index < 0 || index >= t.count) throw new RangeError(`tile ${index} is outside 0…${t.count - 1}`);
  const cx = index % t.columns;
  const cy = Math.floor(index / t.columns);
  const x = cx * t.tileSize;
  const y = cy * t.tileSize;
  const width = Math.min(t.tileSize, t.width - x);
  const height = Math.min(t.tileSize, t.height - y);
  const rx = Math.max(0, x - halo);
  const ry = Math.max(0, y - halo);
  const rx2 = Math.min(t.width, x + width + halo);
  const ry2 = Math.min(t.height, y + height + halo);
  return {
    index, x, y, width, height,
    read: { x: rx, y: ry, width: rx2 - rx, height: ry2 - ry },
    core: { x: x - rx, y: y - ry, width, height },
    edges: { left: x === 0, top: y === 0, right: x + width === t.width, bottom: y + height === t.height },
  };
}

/** The tiles of part `part` of `parts` (0-based): contiguous runs of tiles, as even as possible. */
export function partTiles(t: Tiling, part: number, parts: number): number[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`the number of parts must be a whole number ≥ 1, got ${parts}`);
  if (!Number.isInteger(part) || part < 0 || part >= parts) throw new RangeError(`part ${part} is outside 0…${parts - 1}`);
  const from = Math.floor((part * t.count) / parts);
  const to = Math.floor(((part + 1) * t.count) / parts);
  return Array.from({ length: to - from }, (_, i) => from + i);
}
