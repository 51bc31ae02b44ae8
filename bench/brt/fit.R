# One Hassink-settings fit in R gbm. usage: Rscript bench/brt/fit.R DATA_DIR [REPEATS]
# With REPEATS > 5 a last line gives the median of the fits after the first five (as bench/brt/fit.mjs).
suppressPackageStartupMessages(library(gbm))
a <- commandArgs(TRUE); dir <- if (length(a) >= 1) a[1] else "/tmp/socp-brt-bench"
reps <- if (length(a) >= 2) as.integer(a[2]) else 1L
d <- read.csv(file.path(dir, "train.csv"))
times <- numeric(0)
for (r in seq_len(reps)) {
  set.seed(42)
  t <- system.time(m <- gbm(y ~ ., data = d, distribution = "gaussian", n.trees = 1600, interaction.depth = 9,
    shrinkage = 0.0025, n.minobsinnode = 10, bag.fraction = 0.65, train.fraction = 1, cv.folds = 0,
    keep.data = FALSE, verbose = FALSE))
  times[r] <- 1000 * (t[["user.self"]] + t[["sys.self"]])
  cat(sprintf("R fit cpu_ms %.1f trees %d\n", times[r], m$n.trees))
}
if (reps > 5) {
  w <- sort(times[-(1:5)])
  cat(sprintf("R warm fit (median of fits 6-%d) cpu_ms %.1f\n", reps, w[(length(w) %/% 2) + 1]))
}
