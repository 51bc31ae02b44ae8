#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# brt:predict memory is flat in raster size: the same small model predicted over a 2000 × 2000 and a
# 20000 × 20000 ten-band stack (a VRT that upsamples a 200 × 200 GeoTIFF, so the input costs no
# disk), peak resident memory by /usr/bin/time -v. Run from the repository root after `npm run build`:
#   bash bench/predict/memory.sh [workdir]
set -euo pipefail
W="${1:-bench/out/predict}"
mkdir -p "$W"
node bench/tools/make-stack.mjs 200 200 "$W/small.tif"
for n in 2000 20000; do
  gdal_translate -q -of VRT -outsize "$n" "$n" -r bilinear "$W/small.tif" "$W/stack_$n.vrt"
done
# a small model: 10 trees of depth 3 on a generated table with the stack's band names
node -e '
let s = "x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y\n", seed = 1;
const r = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
for (let i = 0; i < 300; i++) { const x = Array.from({ length: 10 }, r); s += x.join(",") + "," + (3 * x[0] + x[1] * x[2]) + "\n"; }
require("fs").writeFileSync(process.argv[1], s);' "$W/train.csv"
node dist/toolbox/cli/main.js run brt:train --INPUT="$W/train.csv" --TARGET=y --PREDICTORS=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10 \
  --N_TREES=10 --INTERACTION_DEPTH=3 --SHRINKAGE=0.1 --OUTPUT_MODEL="$W/model.json" -q
echo "| stack | pixels | wall s | peak RSS MB |" > "$W/result.md"
echo "|---|---|---|---|" >> "$W/result.md"
for n in 2000 20000; do
  rm -f "$W/pred_$n.tif"
  /usr/bin/time -v node dist/toolbox/cli/main.js run brt:predict --MODEL="$W/model.json" --INPUT="$W/stack_$n.vrt" \
    --OUTPUT="$W/pred_$n.tif" -q 2> "$W/time_$n.txt"
  wall=$(grep "Elapsed (wall clock)" "$W/time_$n.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$W/time_$n.txt" | awk '{print int($NF/1024)}')
  echo "| ${n} × ${n} × 10 bands | $((n*n)) | $wall | $rss |" >> "$W/result.md"
  rm -f "$W/pred_$n.tif"
done
cat "$W/result.md"
