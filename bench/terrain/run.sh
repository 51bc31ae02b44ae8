#!/usr/bin/env bash
# Terrain benchmark: socp kernels (+ GDAL I/O in Node) against gdaldem and SAGA, on a synthetic
# 4000 x 4000 Float32 90 m projected DEM. Run by hand from the repository root:
#   bash bench/terrain/run.sh [N=4000] [RUNS=3]
# Needs gdal-bin, saga and GNU time (apt-get install gdal-bin saga time). Prints wall time and
# peak memory (/usr/bin/time -v) of each whole process, one pair after the other, A B A B …
# Compare only figures taken side by side in one run: the machine's speed drifts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-4000}"; runs="${2:-3}"
work="${TMPDIR:-/tmp}/socp-bench-terrain"; kdir=/tmp/terrain-kernels
mkdir -p "$work"
cd "$root"
npx tsc algorithms/terrain/kernels/*.ts --outDir "$kdir" --module nodenext --target es2022 \
  --moduleResolution nodenext --strict
[ -f "$work/dem_$n.tif" ] || node bench/terrain/make_dem.mjs "$work/dem_$n.tif" "$n"
dem="$work/dem_$n.tif"

measure() { # label command...
  local label="$1"; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; return 1; }
  local wall mem
  wall="$(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')"
  mem="$(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}')"
  printf '%-34s wall %8s  peak %6d MB\n' "$label" "$wall" "$((mem / 1024))"
}

for i in $(seq "$runs"); do
  echo "--- run $i"
  measure "gdaldem slope (Horn)"        gdaldem slope -q -compute_edges "$dem" "$work/gdal_slope.tif"
  measure "socp slope (Horn) + I/O"     node bench/terrain/socp_terrain.mjs "$kdir" slope "$dem" "$work/socp"
  measure "SAGA ta_morphometry 0 (ZT)"  saga_cmd -f=q ta_morphometry 0 -ELEVATION="$dem" -METHOD=6 \
    -SLOPE="$work/s.sdat" -ASPECT="$work/a.sdat" -C_LONG="$work/cl.sdat" -C_CROS="$work/cc.sdat"
  measure "socp curvature + I/O"        node bench/terrain/socp_terrain.mjs "$kdir" curvature "$dem" "$work/socp"
  measure "SAGA fill+MFD+slope+SCA+TWI" bash bench/terrain/saga_chain.sh "$dem" "$work/saga"
  measure "socp TWI chain + I/O"        node bench/terrain/socp_terrain.mjs "$kdir" twi "$dem" "$work/socp"
done
