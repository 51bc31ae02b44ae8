# 1e6 rows x 1600 trees prediction in R gbm. usage: Rscript bench/brt/predict.R DATA_DIR [ROWS]
suppressPackageStartupMessages(library(gbm))
a <- commandArgs(TRUE); dir <- if (length(a) >= 1) a[1] else "/tmp/socp-brt-bench"
rows <- if (length(a) >= 2) as.numeric(a[2]) else 1e6
d <- read.csv(file.path(dir, "train.csv"))
set.seed(42)
m <- gbm(y ~ ., data = d, distribution = "gaussian", n.trees = 1600, interaction.depth = 9, shrinkage = 0.0025,
  n.minobsinnode = 10, bag.fraction = 0.65, train.fraction = 1, cv.folds = 0, keep.data = FALSE, verbose = FALSE)
i <- 0:(rows - 1)
idx <- floor(((i * 0.6180339887498949) %% 1) * nrow(d)) + 1
nd <- d[idx, 1:10]
jit <- 1 + ((i %% 7) - 3) * 1e-4
for (k in 1:10) nd[[k]] <- nd[[k]] * jit
t <- system.time(p <- predict(m, nd, n.trees = 1600))
ms <- 1000 * (t[["user.self"]] + t[["sys.self"]])
cat(sprintf("R predict cpu_ms %.0f rows %d trees 1600 Mevals_per_cpu_s %.1f mean %.6f\n", ms, rows, rows * 1600 / ms / 1e3, mean(p)))
