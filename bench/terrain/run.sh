#!/usr/bin/env bash
# Terrain benchmark: the socp terrain algorithms through the CLI (node dist/toolbox/cli/main.js run
# terrain:slope | terrain:curvature | terrain:twi, GeoTIFF in and out) against gdaldem and SAGA 8.5,
# on a synthetic 4000 x 4000 Float32 90 m projected DEM. Run by hand from the repository root:
#   bash bench/terrain/run.sh [N=4000] [RUNS=3] [PAIRS=all|slope]
# PAIRS=slope times only gdaldem slope (both layouts) and socp terrain:slope, skipping the slow SAGA pairs.
# Needs gdal-bin, saga and GNU time (apt-get install gdal-bin saga time). Prints wall time, CPU time
# (user + system) and peak memory (/usr/bin/time -v) of each whole process, one pair after the other,
# A B A B … Compare only figures taken side by side in one run: the machine's speed drifts, and on a
# loaded machine quote CPU seconds and the ratios.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-4000}"; runs="${2:-3}"; pairs="${3:-all}"
work="${TMPDIR:-/tmp}/socp-bench-terrain"
mkdir -p "$work"
cd "$root"
npx tsc -p tsconfig.json >/dev/null 2>&1 || true   # errors elsewhere do not stop tsc emitting
[ -f dist/algorithms/terrain/slope.js ] || { echo "build failed: dist/algorithms/terrain/slope.js missing"; exit 1; }
[ -f "$work/dem_$n.tif" ] || node bench/terrain/make_dem.mjs "$work/dem_$n.tif" "$n"
dem="$work/dem_$n.tif"
socp=(node "$root/dist/toolbox/cli/main.js" run)

measure() { # label command...
  local label="$1"; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || { cat "$work/time.txt"; return 1; }
  local wall mem usr sys
  wall="$(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')"
  usr="$(grep 'User time' "$work/time.txt" | awk '{print $NF}')"
  sys="$(grep 'System time' "$work/time.txt" | awk '{print $NF}')"
  mem="$(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}')"
  printf '%-38s wall %8s  cpu %7.2f s  peak %6d MB\n' "$label" "$wall" "$(echo "$usr + $sys" | bc)" "$((mem / 1024))"
}

for i in $(seq "$runs"); do
  echo "--- run $i"
  rm -f "$work"/socp_*.tif "$work"/socp_*.socp.json
  measure "gdaldem slope (Horn)"          gdaldem slope -q -compute_edges "$dem" "$work/gdal_slope.tif"
  # the same GeoTIFF layout as socp writes (tiled 256, DEFLATE, floating-point predictor)
  measure "gdaldem slope, socp's GTiff opts" gdaldem slope -q -compute_edges -co TILED=YES -co BLOCKXSIZE=256 \
    -co BLOCKYSIZE=256 -co COMPRESS=DEFLATE -co ZLEVEL=1 -co PREDICTOR=3 "$dem" "$work/gdal_slope_deflate.tif"
  measure "socp terrain:slope (Horn)"     "${socp[@]}" terrain:slope --INPUT="$dem" --OUTPUT="$work/socp_slope.tif" -q
  [ "$pairs" = slope ] && continue
  measure "SAGA ta_morphometry 0 (ZT)"    saga_cmd -f=q ta_morphometry 0 -ELEVATION="$dem" -METHOD=6 \
    -SLOPE="$work/s.sdat" -ASPECT="$work/a.sdat" -C_LONG="$work/cl.sdat" -C_CROS="$work/cc.sdat"
  measure "socp terrain:curvature"        "${socp[@]}" terrain:curvature --INPUT="$dem" \
    --OUTPUT_PLAN="$work/socp_plan.tif" --OUTPUT_PROFILE="$work/socp_profile.tif" -q
  measure "SAGA fill+MFD+slope+SCA+TWI"   bash bench/terrain/saga_chain.sh "$dem" "$work/saga"
  measure "socp terrain:twi (MFD)"        "${socp[@]}" terrain:twi --INPUT="$dem" --OUTPUT="$work/socp_twi.tif" -q
done
# start-up of the CLI alone (loading the toolbox and every algorithm module), included in each socp figure
measure "socp CLI start-up (describe)"    node "$root/dist/toolbox/cli/main.js" describe terrain:slope
