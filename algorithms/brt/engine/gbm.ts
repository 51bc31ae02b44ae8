/**
 * socp's boosting engine: gaussian gradient boosting with the exact semantics of R gbm 2.1.8.
 * TypeScript, with the hot core — bagging, R's Mersenne-Twister, tree growing, the boosting
 * step — in AssemblyScript compiled to WebAssembly (wasm/, built by `npm run build`: compiled
 * code from the first tree on, no JIT warm-up per process); no GDAL, no toolbox imports.
 * With the same data, settings and seed it
 * reproduces `set.seed(seed); gbm(y ~ ., distribution = "gaussian", n.trees, interaction.depth,
 * n.minobsinnode, shrinkage, bag.fraction, train.fraction = 1, cv.folds = 0)` bit for bit:
 * every tree, initF, the fitted values and predict.gbm's predictions; relative influence and
 * partial dependence follow gbm's relative.influence / summary.gbm / plot.gbm.
 *
 * Public API
 *   fitGbm(X: Float64Array[], y: Float64Array, opts: GbmFitOptions, hooks?: GbmFitHooks): GbmModel
 *       X column-major (one array per predictor), NaN = missing; opts = { nTrees,
 *       interactionDepth, shrinkage, nMinObsInNode, bagFraction, seed, weights?, predictorNames? };
 *       hooks = { onTree?(i, nTrees), signal?: AbortSignal }. Throws plain Errors with plain-words
 *       messages for bad settings or data (validateFitInput); an aborted signal throws an Error
 *       named "AbortError".
 *       hooks.heldOut = { X, at, pred }: rows predicted during the fit (pred[c] with at[c] trees)
 *   fitHeldOut(X, y, opts, heldOut, hooks?)             the same fit for heldOut's predictions only
 *   predict(model, X, nTrees?): Float64Array           initF + Σ leaves of trees 1..nTrees
 *   predictMulti(model, X, nTreesList): Float64Array[]  several tree counts at once
 *   compileForest(model, nTrees?) / predictCompiled(forest, X, out?)  reuse for many blocks
 *   columnsByName(model, table): Float64Array[]         picks columns by predictor name
 *   relativeInfluence(model, nTrees?): { names, raw, percent }
 *   partialDependence(model, vars: number[], { gridPoints = 100, grids?, nTrees? }):
 *       { vars, names, grids, values }   (values: first variable varying fastest)
 *   partialDependenceBruteForce(model, vars, X, opts?)  data-averaged check of the above
 *   validateParams(opts) / validateFitInput(X, y, opts)
 *   RMersenneTwister(seed).unifRand()                   R's set.seed()/unif_rand() stream
 *   model files: modelToJson / modelFromJson / writeModelFile / readModelFile (model-file.ts)
 *
 * Differences to R (documented, deliberate):
 *   - NaN is missing everywhere. R's predict.gbm sends only R's NA down the missing branch; an
 *     IEEE NaN that is not NA goes right there.
 *   - R's sum() accumulates in long double (relative influence, weight normalisation); socp uses
 *     compensated double sums: equal to R's result or one unit in the last place away.
 *   - Only gaussian loss, continuous predictors, train.fraction = 1, no offset, no monotone
 *     constraints (what socp's method uses).
 */
export type { GbmFitHooks, GbmFitOptions, GbmModel, GbmParams, GbmTrainingSummary, GbmTree } from './types.js';
export { fitGbm, fitHeldOut, presort } from './fit.js';
export { predict, predictMulti, compileForest, predictCompiled, columnsByName } from './predict.js';
export type { CompiledForest } from './predict.js';
export { relativeInfluence } from './influence.js';
export type { RelativeInfluence } from './influence.js';
export { partialDependence, partialDependenceBruteForce, rSeq } from './partial-dependence.js';
export type { PartialDependence, PartialDependenceOptions } from './partial-dependence.js';
export { validateParams, validateFitInput } from './validate.js';
export { RMersenneTwister } from './rng.js';
export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  modelToJson,
  modelFromJson,
  writeModelFile,
  readModelFile,
} from './model-file.js';
export type { ModelFileContents } from './model-file.js';
