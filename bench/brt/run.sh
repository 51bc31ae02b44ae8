#!/usr/bin/env bash
# BRT benchmark: socp's boosting engine vs R gbm 2.1.8, side by side, on this machine.
#   1. one fit with the paper's Hassink settings (293 rows x 10 predictors, 1600 trees, depth 9,
#      shrinkage 0.0025, n.minobsinnode 10, bag.fraction 0.65), in a fresh process (cold) and as
#      the median of fits 6..20 in one process (warm);
#   2. prediction of 1e6 rows x 1600 trees;
#   3. the study's cross-validation protocol through the CLI (`socp run brt:cv`, 10-fold x 100
#      repeats on the same 293 x 10 table, worker threads on all cores), once with the Hassink and
#      once with the Elustondo settings (1850 trees, depth 8, bag 0.6): 2 x 1000 fits, whole
#      process wall and CPU time from /usr/bin/time -v (socp only: R has no such protocol).
# Each is timed inside the process (CPU time of the fit / the predict call alone) and as a whole
# process (/usr/bin/time: start-up, data and set-up included). Runs alternate socp / R so that
# drift of a shared machine hits both. The medians and ratios go into bench/README.md, section
# "BRT" (between the BRT markers). Run by hand from the repository root:
#     bash bench/brt/run.sh            # RUNS=5 WARM_RUNS=3 WARM_FITS=20 PRED_RUNS=3 ROWS=1000000 CV_REPEATS=100 by default
#   4. if Debian's python3-xgboost is installed: XGBoost's prediction speed on a forest of the same
#      shape (bench/brt/xgboost_predict.py), next to socp's and R's.
# Needs: node >= 20, the devDependencies (tsc, asc), Rscript with gbm, /usr/bin/time; optionally
# python3-xgboost (apt-get install python3-xgboost).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
PRED_RUNS=${PRED_RUNS:-3}
WARM_RUNS=${WARM_RUNS:-3}
WARM_FITS=${WARM_FITS:-20}
ROWS=${ROWS:-1000000}
CV_REPEATS=${CV_REPEATS:-100}
CV_FOLDS=${CV_FOLDS:-10}
WORK=${WORK:-/tmp/socp-brt-bench}
export SOCP_BRT_ENGINE=${SOCP_BRT_ENGINE:-$WORK/engine}
mkdir -p "$WORK"
echo "compiling the engine into $SOCP_BRT_ENGINE" >&2
echo "building the toolbox (dist/, with the engine's WebAssembly) for the CLI" >&2
npm run -s build
npx tsc algorithms/brt/engine/*.ts --outDir "$SOCP_BRT_ENGINE" --module nodenext --target es2022 \
  --moduleResolution nodenext --strict --types node --skipLibCheck
mkdir -p "$SOCP_BRT_ENGINE/wasm"
cp algorithms/brt/engine/wasm/grower.wasm "$SOCP_BRT_ENGINE/wasm/"
node bench/brt/make-data.mjs "$WORK" >&2
LOG="$WORK/log.txt"
: > "$LOG"

# run CMD..., append "<label> <in-process cpu_ms> <whole-process cpu s> <wall s>" to $LOG
timed() {
  local label=$1; shift
  local out tfile="$WORK/time.txt"
  out=$(/usr/bin/time -f '%U %S %e' -o "$tfile" "$@")
  echo "$out" >&2
  echo "$out" > "$WORK/last-$label.txt"
  local ms; ms=$(echo "$out" | sed -n 's/.*cpu_ms \([0-9.]*\).*/\1/p' | tail -1)
  read -r u s e < "$tfile"
  echo "$label $ms $(echo "$u + $s" | bc -l) $e" >> "$LOG"
}

for i in $(seq "$RUNS"); do
  timed socp_fit node bench/brt/fit.mjs "$WORK"
  timed r_fit Rscript bench/brt/fit.R "$WORK"
done
# warm fits: the median of fits 6..WARM_FITS in one process (every fit of brt:cv, brt:tune and
# workflow:socp after the first few is one of these)
for i in $(seq "$WARM_RUNS"); do
  timed socp_fitw node bench/brt/fit.mjs "$WORK" "$WARM_FITS"
  timed r_fitw Rscript bench/brt/fit.R "$WORK" "$WARM_FITS"
done
# XGBoost (Debian's python3-xgboost), if installed: a forest of the same shape, predicted on one thread
XGB=0
if /usr/bin/python3 -c 'import xgboost' 2>/dev/null; then XGB=1; fi
for i in $(seq "$PRED_RUNS"); do
  timed socp_pred node bench/brt/predict.mjs "$WORK" "$ROWS"
  timed r_pred Rscript bench/brt/predict.R "$WORK" "$ROWS"
  if [ "$XGB" = 1 ]; then
    timed xgb_pred /usr/bin/python3 bench/brt/xgboost_predict.py "$WORK" "$ROWS"
  fi
done
# CV protocol: "<label> <fits> <whole-process cpu s> <wall s>"
PREDICTORS=$(head -1 "$WORK/train.csv" | sed 's/,y$//')
cv() {
  local label=$1; shift
  local tfile="$WORK/cv-time.txt"
  /usr/bin/time -v -o "$tfile" node dist/toolbox/cli/main.js run brt:cv --INPUT="$WORK/train.csv" --TARGET=y \
    --PREDICTORS="$PREDICTORS" --FOLDS="$CV_FOLDS" --REPEATS="$CV_REPEATS" --OUTPUT_SUMMARY="$WORK/$label.csv" -q "$@" >&2
  local u s e
  u=$(sed -n 's/.*User time (seconds): //p' "$tfile")
  s=$(sed -n 's/.*System time (seconds): //p' "$tfile")
  e=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tfile" | awk -F: '{ t = 0; for (i = 1; i <= NF; i++) t = t * 60 + $i; print t }')
  echo "$label $((CV_FOLDS * CV_REPEATS)) $(echo "$u + $s" | bc -l) $e" >> "$LOG"
  echo "$label: $((CV_FOLDS * CV_REPEATS)) fits, cpu $(echo "$u + $s" | bc -l) s, wall $e s" >&2
}
cv cv_hassink
cv cv_elustondo --N_TREES=1850 --INTERACTION_DEPTH=8 --BAG_FRACTION=0.6
node bench/brt/ml-cart.mjs "$WORK" 10 > "$WORK/mlcart.txt"
cat "$WORK/mlcart.txt" >&2
WARM_FITS="$WARM_FITS" node bench/brt/report.mjs "$LOG" "$WORK/mlcart.txt" "$ROWS" bench/README.md "$WORK/last-xgb_pred.txt"
