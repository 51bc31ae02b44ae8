#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale-out benchmark of the BullMQ driver, side by side in one run (docs/scale-out.md):
#   1. overhead: the plain in-process run vs the same run through one `socp worker` (goal ≤ 5 %)
#   2. speed-up: 1 → 2 workers on this machine (goal ≥ 1.7× on 2 cores)
#   3. queue cost per tile: 1000 tiny tiles (16 × 16) through BullMQ vs the same tiles in one
#      process (socp run … --tile 0/1)
# The workload of 1 and 2 is brt:predict (one model of 1500 trees of depth 6, THREADS=1) over an
# N × N 10-band stack made from samples/northeast/covariates.tif; tiles of 512 (the default).
# Run by hand from the repository root (needs redis-server and GNU time):
#   bash bench/scale/run.sh [N=2000] [RUNS=3]
# Wall and CPU are of whole processes (/usr/bin/time -v for the submitter and the in-process run;
# the warm workers' and redis-server's CPU from /proc/<pid>/stat before and after each run). On a
# shared machine compare the figures of one round only, and quote medians.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
n="${1:-2000}"; runs="${2:-3}"
work="${TMPDIR:-/tmp}/socp-bench-scale"
mkdir -p "$work"
cd "$root"
[ -f dist/toolbox/drivers/bullmq.js ] || { echo "run npm run build first"; exit 1; }
socp=(node "$root/dist/toolbox/cli/main.js")
tck="$(getconf CLK_TCK)"

# inputs (made once): points with covariates, a model, the stack, a small grid for tiny tiles
[ -f "$work/pts.csv" ] || "${socp[@]}" run covariates:extract -q --POINTS=samples/northeast/samples.csv --STACK=samples/northeast/covariates.tif --OUTPUT="$work/pts.csv"
[ -f "$work/model.json" ] || "${socp[@]}" run brt:train -q --INPUT="$work/pts.csv" --TARGET=soc --PREDICTORS=elevation,slope,aspect,plan_curvature,profile_curvature,twi,mat,map,ndvi,npp \
  --N_TREES=1500 --INTERACTION_DEPTH=6 --SHRINKAGE=0.01 --N_MINOBSINNODE=5 --SEED=1 --OUTPUT_MODEL="$work/model.json"
[ -f "$work/stack_$n.tif" ] || gdal_translate -q -outsize "$n" "$n" -r bilinear -co TILED=YES -co COMPRESS=DEFLATE samples/northeast/covariates.tif "$work/stack_$n.tif"
[ -f "$work/small.tif" ] || gdal_translate -q -outsize 640 400 -r bilinear -b 1 samples/northeast/covariates.tif "$work/small.tif"

port=$((20000 + RANDOM % 20000))
redis="redis://127.0.0.1:$port"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --maxmemory-policy noeviction >"$work/redis.log" 2>&1 &
redis_pid=$!
workers=()
cleanup() { for p in "${workers[@]}"; do kill "$p" 2>/dev/null || true; done; kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
sleep 1

start_workers() { # count
  for p in "${workers[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${workers[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  workers=()
  for i in $(seq "$1"); do
    "${socp[@]}" worker --redis "$redis" >"$work/worker$i.log" 2>&1 &
    workers+=($!)
  done
  for i in $(seq "$1"); do until grep -q 'socp worker ' "$work/worker$i.log"; do sleep 0.2; done; done
}
ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

measure() { # label pids-of-helpers -- command...
  local label="$1"; shift; local helpers=(); while [ "$1" != "--" ]; do helpers+=("$1"); shift; done; shift
  local before=0; [ ${#helpers[@]} -gt 0 ] && before="$(ticks "${helpers[@]}")"
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time.txt" || { tail -5 "$work/time.txt"; return 1; }
  local after=0; [ ${#helpers[@]} -gt 0 ] && after="$(ticks "${helpers[@]}")"
  local wall usr sys h m s
  wall="$(grep 'Elapsed (wall' "$work/time.txt" | awk '{print $NF}')"
  IFS=: read -r h m s <<<"$(echo "$wall" | awk -F: '{ if (NF==2) print "0:"$0; else print $0 }')"
  wall="$(echo "$h * 3600 + $m * 60 + $s" | bc)"
  usr="$(grep 'User time' "$work/time.txt" | awk '{print $NF}')"
  sys="$(grep 'System time' "$work/time.txt" | awk '{print $NF}')"
  local cpu; cpu="$(echo "$usr + $sys + ($after - $before) / $tck" | bc -l)"
  printf '%-44s wall %7.2f s  cpu %7.2f s\n' "$label" "$wall" "$cpu"
  echo "$label|$wall|$cpu" >>"$work/figures.txt"
}

predict=(run brt:predict --MODEL="$work/model.json" --INPUT="$work/stack_$n.tif" --THREADS=1)
tiny=(run raster:calculator --INPUTS="$work/small.tif" --EXPRESSION=small+1)
: >"$work/figures.txt"
for r in $(seq "$runs"); do
  echo "--- round $r (N=$n)"
  rm -rf "$work"/out_*
  measure "in-process brt:predict" -- "${socp[@]}" "${predict[@]}" --OUTPUT="$work/out_local.tif"
  # the same tiles, parts and COG mosaic without a queue: what the tiling itself costs
  measure "brt:predict, tiled in one process" -- sh -c "${socp[*]} ${predict[*]} --OUTPUT=$work/out_tiled.tif --tile 0/1 && ${socp[*]} ${predict[*]} --OUTPUT=$work/out_tiled.tif --tile merge"
  start_workers 1
  measure "brt:predict, 1 BullMQ worker" "${workers[@]}" "$redis_pid" -- "${socp[@]}" "${predict[@]}" --OUTPUT="$work/out_w1.tif" --redis "$redis"
  measure "1000 tiny tiles, 1 BullMQ worker" "${workers[@]}" "$redis_pid" -- "${socp[@]}" "${tiny[@]}" --OUTPUT="$work/out_tiny_w1.tif" --redis "$redis" --tile-size 16
  start_workers 2
  measure "brt:predict, 2 BullMQ workers" "${workers[@]}" "$redis_pid" -- "${socp[@]}" "${predict[@]}" --OUTPUT="$work/out_w2.tif" --redis "$redis"
  measure "1000 tiny tiles, 2 BullMQ workers" "${workers[@]}" "$redis_pid" -- "${socp[@]}" "${tiny[@]}" --OUTPUT="$work/out_tiny_w2.tif" --redis "$redis" --tile-size 16
  measure "1000 tiny tiles, in one process (--tile 0/1)" -- sh -c "${socp[*]} ${tiny[*]} --OUTPUT=$work/out_tiny_local.tif --tile 0/1 --tile-size 16 && ${socp[*]} ${tiny[*]} --OUTPUT=$work/out_tiny_local.tif --tile merge --tile-size 16"
  measure "tiny calculator, in-process, untiled" -- "${socp[@]}" "${tiny[@]}" --OUTPUT="$work/out_tiny_plain.tif"
done

echo "--- medians over $runs rounds"
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split("|"));
const by = new Map();
for (const [k, w, c] of rows) { if (!by.has(k)) by.set(k, { w: [], c: [] }); by.get(k).w.push(+w); by.get(k).c.push(+c); }
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const m = Object.fromEntries([...by].map(([k, v]) => [k, { w: med(v.w), c: med(v.c) }]));
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(46)} wall ${v.w.toFixed(2).padStart(7)} s  cpu ${v.c.toFixed(2).padStart(7)} s`);
const L = m["in-process brt:predict"], W1 = m["brt:predict, 1 BullMQ worker"], W2 = m["brt:predict, 2 BullMQ workers"];
const TT = m["brt:predict, tiled in one process"];
console.log(`overhead of 1 worker vs in-process: wall ${(100 * (W1.w / L.w - 1)).toFixed(1)} %, cpu ${(100 * (W1.c / L.c - 1)).toFixed(1)} %`);
console.log(`  of which tiling (parts + COG mosaic, no queue): wall ${(100 * (TT.w / L.w - 1)).toFixed(1)} %, cpu ${(100 * (TT.c / L.c - 1)).toFixed(1)} %; the queue: wall ${(100 * (W1.w / TT.w - 1)).toFixed(1)} %, cpu ${(100 * (W1.c / TT.c - 1)).toFixed(1)} %`);
console.log(`speed-up 1 -> 2 workers (wall): ${(W1.w / W2.w).toFixed(2)}x`);
const T1 = m["1000 tiny tiles, 1 BullMQ worker"], T2 = m["1000 tiny tiles, 2 BullMQ workers"], TL = m["1000 tiny tiles, in one process (--tile 0/1)"];
// seconds per 1000 tiles = milliseconds per tile
console.log(`queue cost per tile (1 worker vs the same tiles in one process): wall ${(T1.w - TL.w).toFixed(1)} ms, cpu ${(T1.c - TL.c).toFixed(1)} ms; a tiny tile in all: ${T1.w.toFixed(1)} ms wall with 1 worker, ${T2.w.toFixed(1)} ms with 2`);
' "$work/figures.txt"
