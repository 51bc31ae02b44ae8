#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The worker pool's callers, before and after a change, side by side: two built checkouts (each with
# dist/ and node_modules), runs alternating A B A B on the same inputs, whole-process wall, CPU and
# peak memory from /usr/bin/time, and whether the two give the same outputs (CSV and model files
# byte for byte, rasters pixel for pixel).
#   bash bench/pool/run.sh BEFORE_ROOT AFTER_ROOT [ROUNDS=3] [WORK=/tmp/socp-pool-bench]
# Work, on the demo samples (samples/northeast, 293 sites) with the study's protocol:
#   cv      brt:cv, Hassink settings, 10-fold × 100 repeats, strata = land use, 1000 fits + 100 refits
#   pmap    brt:predict of the 100 repeat models over the demo stack (130 × 180): mean and SD
#   pbig    brt:predict of one model (brt:train, 1600 trees) over the stack upsampled to 1300 × 1800
#   pd      brt:partial-dependence of the 100 models: 10 curves and 2 surfaces
# THREADS is the machine's core count (the default) everywhere. STEPS="pbig pd" runs only those.
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2")
ROUNDS=${3:-3}
STEPS=${STEPS:-cv pmap pbig pd}
want() { [[ " $STEPS " == *" $1 "* ]]; }
WORK=${4:-/tmp/socp-pool-bench}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
S=$HERE/samples/northeast
CRS="+proj=aea +lat_0=46 +lon_0=125 +lat_1=41 +lat_2=51 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
PRED=elevation,slope,aspect,plan_curvature,profile_curvature,twi,mat,map,ndvi,npp
mkdir -p "$WORK"
cd "$WORK"
socp() { node "$1/dist/toolbox/cli/main.js" "${@:2}"; }
if [ ! -f training.csv ]; then
  socp "$B" run soil:potential --INPUT="$S/samples.csv" --SOC_FIELD=soc --BD_FIELD=bd --FINE_FIELD=fine --GRAVEL_FIELD=gravel --DEPTH_FIELD=depth --OUTPUT=potential.csv -q
  socp "$B" run covariates:extract --POINTS=potential.csv --X_FIELD=x --Y_FIELD=y "--POINTS_CRS=$CRS" --STACK="$S/covariates.tif" --OUTPUT=training.csv -q
  gdal_translate -q -of VRT -outsize 1000% 1000% -r bilinear "$S/covariates.tif" big.vrt
  socp "$B" run brt:train --INPUT=training.csv --TARGET=socp_hassink --PREDICTORS=$PRED --SEED=2026 --OUTPUT_MODEL=one.json -q
fi
LOG=$WORK/times.txt
: > "$LOG"
timed() { # label side dir command...
  local label=$1 side=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/t.txt" "$@" >/dev/null
  read -r e u s m < "$WORK/t.txt"
  echo "$label $side $e $(echo "$u + $s" | bc -l) $((m / 1024))" | tee -a "$LOG" >&2
}
for r in $(seq "$ROUNDS"); do
  for side in A B; do
    root=$A; [ "$side" = B ] && root=$B
    o=$WORK/$side; mkdir -p "$o"
    want cv && rm -f "$o"/summary.* "$o"/predictions.* "$o"/set.* && timed cv $side node "$root/dist/toolbox/cli/main.js" run brt:cv --INPUT=training.csv --TARGET=socp_hassink --PREDICTORS=$PRED --FOLDS=10 --REPEATS=100 \
      --STRATUM_FIELD=landuse --SEED=2026 --OUTPUT_SUMMARY="$o/summary.csv" --OUTPUT_PREDICTIONS="$o/predictions.csv" --OUTPUT_MODELS="$o/set.brtset" -q
    want pmap && rm -f "$o"/mean.* "$o"/sd.* && timed pmap $side node "$root/dist/toolbox/cli/main.js" run brt:predict --MODEL="$o/set.brtset" --INPUT="$S/covariates.tif" --OUTPUT="$o/mean.tif" --OUTPUT_SD="$o/sd.tif" -q
    want pbig && rm -f "$o"/big.* && timed pbig $side node "$root/dist/toolbox/cli/main.js" run brt:predict --MODEL=one.json --INPUT=big.vrt --OUTPUT="$o/big.tif" -q
    want pd && rm -f "$o"/pd.* && timed pd $side node "$root/dist/toolbox/cli/main.js" run brt:partial-dependence --MODEL="$o/set.brtset" --PAIRS=mat:map,elevation:ndvi --OUTPUT="$o/pd.json" -q
  done
  for f in summary.csv predictions.csv set.brtset pd.json; do [ -f "A/$f" ] || continue; cmp -s "A/$f" "B/$f" && echo "same $f" >&2 || echo "DIFFERENT $f" >&2; done
  for f in mean.tif sd.tif big.tif; do
    [ -f "A/$f" ] || continue
    gdal_translate -q -of ENVI "A/$f" "A/$f.raw"; gdal_translate -q -of ENVI "B/$f" "B/$f.raw"
    cmp -s "A/$f.raw" "B/$f.raw" && echo "same pixels $f" >&2 || echo "DIFFERENT pixels $f" >&2
  done
done
# medians (min-max) per label and side: wall s, CPU s (user + system), peak RSS MB
python3 - "$LOG" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
for label in ['cv', 'pmap', 'pbig', 'pd']:
    for side in ['A', 'B']:
        r = [x for x in rows if x[0] == label and x[1] == side]
        if not r: continue
        f = lambda k: sorted(float(x[k]) for x in r)
        w, c, m = f(2), f(3), f(4)
        print(f"{label:5} {side} wall {statistics.median(w):6.2f} ({w[0]:.2f}-{w[-1]:.2f})  cpu {statistics.median(c):6.2f} ({c[0]:.2f}-{c[-1]:.2f})  peak {statistics.median(m):.0f} MB")
PY
