// Loads the R gbm fixtures written by test/fixtures/brt/make_fixtures.R.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURE_DIR = path.resolve(here, '../../fixtures/brt');

export interface RTree {
  index: number;
  splitVar: number[];
  splitCodePred: number[];
  left: number[];
  right: number[];
  missing: number[];
  errorReduction: number[];
  weight: number[];
  prediction: number[];
}

export interface RFixture {
  case: string;
  seed: number;
  params: { nTrees: number; interactionDepth: number; shrinkage: number; nMinObsInNode: number; bagFraction: number };
  varNames: string[];
  x: Record<string, (number | null)[]>;
  y: number[];
  weights: number[] | null;
  initF: number;
  fit: number[];
  trainError: number[];
  trees: RTree[];
  newdata: Record<string, (number | null)[]>;
  predict: { nTrees: number; values: number[] }[];
  relInf: number[];
  relInfPercent: number[];
  pd: { vars: number[]; resolution: number; grid: number[][]; y: number[] }[];
}

export const CASES = ['missing', 'hassink', 'small', 'weights', 'stump'] as const;

export function loadFixture(name: string): RFixture {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as RFixture;
}

/** Column-major Float64Arrays in the fixture's variable order; null (R's NA) becomes NaN. */
export function columns(table: Record<string, (number | null)[]>, names: string[]): Float64Array[] {
  return names.map((n) => Float64Array.from(table[n]!.map((v) => (v === null ? NaN : v))));
}
