// ml-cart (an independent CART implementation) as an oracle for a single split: with
// bag.fraction = 1, n.minobsinnode = 1 and no missing values, gbm's first stump splits on the
// variable and midpoint that minimise the children's squared error, which is ml-cart's root
// split (ml-cart only considers midpoints where neighbouring targets differ, which never
// excludes the optimum).
import { describe, it, expect } from 'vitest';
import * as cart from 'ml-cart';
import { fitGbm } from '../../../algorithms/brt/engine/gbm.js';
import { columns, loadFixture } from './fixtures.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const DTR: any = (cart as any).DecisionTreeRegression ?? (cart as any).default?.DecisionTreeRegression;

describe('single split vs ml-cart', () => {
  for (const name of ['stump', 'small', 'hassink'] as const) {
    it(`first split on ${name} data agrees`, () => {
      const f = loadFixture(name);
      const X = columns(f.x, f.varNames);
      const y = Float64Array.from(f.y);
      const m = fitGbm(X, y, { nTrees: 1, interactionDepth: 1, shrinkage: 1, nMinObsInNode: 1, bagFraction: 1, seed: 1 });
      const rows = Array.from({ length: y.length }, (_, i) => X.map((c) => c[i]!));
      const tree = new DTR({ maxDepth: 1, minNumSamples: 1 });
      tree.train(rows, Array.from(y));
      const root = tree.toJSON().root;
      expect(m.trees[0]!.splitVar[0]).toBe(root.splitColumn);
      expect(m.trees[0]!.splitCodePred[0]).toBe(root.splitValue);
    });
  }
});
