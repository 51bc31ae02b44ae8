#!/usr/bin/env bash
# Large-raster check: terrain:slope (and terrain:curvature or terrain:twi) on a 20000 x 20000 DEM, a VRT that
# upsamples the 4000 x 4000 benchmark DEM 5x bilinearly (18 m cells; read on the fly, no 1.6 GB
# input on disk). Shows that the strip processing keeps memory flat. Run from the repository root
# after run.sh (which makes the DEM):  bash bench/terrain/big.sh [SIDE=20000] [curvature|twi]
# Each Float32 output is ~1–1.6 GB on disk and is deleted at the end. Timed with /usr/bin/time -v.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
side="${1:-20000}"; also="${2:-}"
work="${TMPDIR:-/tmp}/socp-bench-terrain"
src="$work/dem_4000.tif"
[ -f "$src" ] || { echo "run bench/terrain/run.sh first (it makes $src)"; exit 1; }
cd "$root"
vrt="$work/dem_${side}.vrt"
gdal_translate -q -of VRT -outsize "$side" "$side" -r bilinear "$src" "$vrt"
trap 'rm -f "$work"/big_*.tif "$work"/big_*.socp.json "$vrt"' EXIT
report() { # label
  local wall mem usr sys
  wall="$(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')"
  usr="$(grep 'User time' "$work/time.txt" | awk '{print $NF}')"
  sys="$(grep 'System time' "$work/time.txt" | awk '{print $NF}')"
  mem="$(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}')"
  printf '%-40s wall %8s  cpu %8.1f s  peak %6d MB\n' "$1" "$wall" "$(echo "$usr + $sys" | bc)" "$((mem / 1024))"
}
/usr/bin/time -v node dist/toolbox/cli/main.js run terrain:slope --INPUT="$vrt" --OUTPUT="$work/big_slope.tif" -q \
  >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
report "socp terrain:slope ${side}x${side}"
ls -l "$work/big_slope.tif" | awk '{printf "output %.2f GB\n", $5 / 1e9}'
rm -f "$work/big_slope.tif"
if [ "$also" = curvature ]; then
  /usr/bin/time -v node dist/toolbox/cli/main.js run terrain:curvature --INPUT="$vrt" --OUTPUT_PLAN="$work/big_plan.tif" -q \
    >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
  report "socp terrain:curvature (plan) ${side}x${side}"
fi
# terrain:twi refuses what does not fit MAX_MEMORY_GB (default 70 % of RAM) up front:
node dist/toolbox/cli/main.js run terrain:twi --INPUT="$vrt" --OUTPUT="$work/big_twi.tif" --MAX_MEMORY_GB=8 -q 2>&1 | head -3 || true
if [ "$also" = twi ]; then
  /usr/bin/time -v node dist/toolbox/cli/main.js run terrain:twi --INPUT="$vrt" --OUTPUT="$work/big_twi.tif" -q \
    >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; exit 1; }
  report "socp terrain:twi ${side}x${side}"
  rm -f "$work/big_twi.tif"
fi
