#!/usr/bin/python3
# Prediction speed of XGBoost (Debian's python3-xgboost) on a forest shaped like the gbm benchmark
# model: 1600 trees of at most 10 leaves (gbm's interaction.depth 9 gives 10 reachable leaves plus
# the missing branches), grown leaf-wise on the same 293 x 10 table, then 1e6 rows predicted on one
# thread. The prediction rows are built as bench/brt/common.mjs builds them (training rows picked by
# the golden-ratio sequence, times a tiny jitter). Prints CPU seconds of predict alone and tree
# evaluations per CPU second, like bench/brt/predict.mjs.
# usage: /usr/bin/python3 bench/brt/xgboost_predict.py DATA_DIR [ROWS]
import sys
import time

import numpy as np
import xgboost as xgb

data_dir = sys.argv[1] if len(sys.argv) > 1 else '/tmp/socp-brt-bench'
rows = int(float(sys.argv[2])) if len(sys.argv) > 2 else 1_000_000
table = np.genfromtxt(f'{data_dir}/train.csv', delimiter=',', names=True, missing_values='NA', filling_values=np.nan)
names = table.dtype.names
X = np.column_stack([table[n] for n in names[:-1]]).astype(np.float64)
y = table[names[-1]].astype(np.float64)
m = X.shape[0]

params = {
    'objective': 'reg:squarederror', 'eta': 0.0025, 'subsample': 0.65, 'tree_method': 'hist',
    'grow_policy': 'lossguide', 'max_leaves': 10, 'max_depth': 0, 'min_child_weight': 10,
    'nthread': 1, 'seed': 42,
}
booster = xgb.train(params, xgb.DMatrix(X, label=y, nthread=1), num_boost_round=1600)
leaves = [t.count('leaf=') for t in booster.get_dump()]

i = np.arange(rows)
idx = np.floor(((i * 0.6180339887498949) % 1) * m).astype(np.int64)
XN = X[idx] * (1 + ((i % 7) - 3) * 1e-4)[:, None]
dm = xgb.DMatrix(XN, nthread=1)
c0 = time.process_time()
p = booster.predict(dm)
cpu = time.process_time() - c0
print(f'xgboost {xgb.__version__} predict cpu_ms {cpu * 1000:.0f} rows {rows} trees {len(leaves)} '
      f'mean_leaves {np.mean(leaves):.1f} Mevals_per_cpu_s {rows * len(leaves) / cpu / 1e6:.1f} mean {p.mean():.6f}')
