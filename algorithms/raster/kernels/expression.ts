// SPDX-License-Identifier: GPL-2.0-or-later
// Compiles a mathjs expression (https://mathjs.org/docs/expressions/syntax.html) over named rasters
// to one JavaScript loop over typed arrays. The expression is parsed by mathjs, then every node of
// the tree is checked against a whitelist (numbers, the named variables, pi/e, arithmetic,
// comparison and logical operators, a ? b : c, and a fixed list of math functions); the generated
// code contains only whitelisted tokens, numbers written by String(number) and the variables as
// v0 … vk, so no text of the user ever reaches the JavaScript compiler. Semantics follow mathjs
// for real numbers: true = 1, false = 0, log(x, b) = ln x / ln b, mod(x, y) = x − y·floor(x / y),
// round() halves away from zero. A NaN (nodata) input gives NaN; a non-finite result (1/0,
// sqrt(−1), log(0)) gives NaN and is counted.
// Pure TypeScript: no GDAL, no toolbox.

import { parse, type MathNode } from 'mathjs';

export class ExpressionError extends Error {}

/** Functions allowed in expressions: name → [min args, max args, JS code template builder]. */
const FUNCTIONS: Record<string, [number, number, (a: string[]) => string]> = {
  abs: [1, 1, (a) => `Math.abs(${a[0]})`],
  sqrt: [1, 1, (a) => `Math.sqrt(${a[0]})`],
  cbrt: [1, 1, (a) => `Math.cbrt(${a[0]})`],
  exp: [1, 1, (a) => `Math.exp(${a[0]})`],
  expm1: [1, 1, (a) => `Math.expm1(${a[0]})`],
  log: [1, 2, (a) => (a.length === 1 ? `Math.log(${a[0]})` : `(Math.log(${a[0]}) / Math.log(${a[1]}))`)],
  log10: [1, 1, (a) => `Math.log10(${a[0]})`],
  log2: [1, 1, (a) => `Math.log2(${a[0]})`],
  log1p: [1, 1, (a) => `Math.log1p(${a[0]})`],
  sin: [1, 1, (a) => `Math.sin(${a[0]})`],
  cos: [1, 1, (a) => `Math.cos(${a[0]})`],
  tan: [1, 1, (a) => `Math.tan(${a[0]})`],
  asin: [1, 1, (a) => `Math.asin(${a[0]})`],
  acos: [1, 1, (a) => `Math.acos(${a[0]})`],
  atan: [1, 1, (a) => `Math.atan(${a[0]})`],
  atan2: [2, 2, (a) => `Math.atan2(${a[0]}, ${a[1]})`],
  sinh: [1, 1, (a) => `Math.sinh(${a[0]})`],
  cosh: [1, 1, (a) => `Math.cosh(${a[0]})`],
  tanh: [1, 1, (a) => `Math.tanh(${a[0]})`],
  floor: [1, 1, (a) => `Math.floor(${a[0]})`],
  ceil: [1, 1, (a) => `Math.ceil(${a[0]})`],
  fix: [1, 1, (a) => `Math.trunc(${a[0]})`],
  round: [1, 1, (a) => `H.round(${a[0]})`],
  sign: [1, 1, (a) => `Math.sign(${a[0]})`],
  square: [1, 1, (a) => `H.square(${a[0]})`],
  cube: [1, 1, (a) => `H.cube(${a[0]})`],
  pow: [2, 2, (a) => `Math.pow(${a[0]}, ${a[1]})`],
  mod: [2, 2, (a) => `H.mod(${a[0]}, ${a[1]})`],
  hypot: [1, 16, (a) => `Math.hypot(${a.join(', ')})`],
  min: [1, 64, (a) => `Math.min(${a.join(', ')})`],
  max: [1, 64, (a) => `Math.max(${a.join(', ')})`],
};

const CONSTANTS: Record<string, string> = {
  pi: 'Math.PI', PI: 'Math.PI', e: 'Math.E', E: 'Math.E', true: '1', false: '0', Infinity: 'Infinity',
};

const BINARY: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  subtract: (a, b) => `(${a} - ${b})`,
  multiply: (a, b) => `(${a} * ${b})`,
  dotMultiply: (a, b) => `(${a} * ${b})`,
  divide: (a, b) => `(${a} / ${b})`,
  dotDivide: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  dotPow: (a, b) => `Math.pow(${a}, ${b})`,
  mod: (a, b) => `H.mod(${a}, ${b})`,
  larger: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  largerEq: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  smaller: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  smallerEq: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  equal: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  unequal: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  and: (a, b) => `((${a}) !== 0 && (${b}) !== 0 ? 1 : 0)`,
  or: (a, b) => `((${a}) !== 0 || (${b}) !== 0 ? 1 : 0)`,
  xor: (a, b) => `(((${a}) !== 0) !== ((${b}) !== 0) ? 1 : 0)`,
};

const UNARY: Record<string, (a: string) => string> = {
  unaryMinus: (a) => `(-${a})`,
  unaryPlus: (a) => `(+${a})`,
  not: (a) => `((${a}) === 0 ? 1 : 0)`,
};

const HELPERS = {
  mod: (x: number, y: number) => (y === 0 ? x : x - y * Math.floor(x / y)),
  round: (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x)),
  square: (x: number) => x * x,
  cube: (x: number) => x * x * x,
};

/** Names a raster may not take (they are functions or constants of expressions). */
export function reservedName(name: string): boolean {
  return name in FUNCTIONS || name in CONSTANTS || ['NaN', 'i', 'null', 'undefined'].includes(name);
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function numberLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  const s = String(v);
  if (!/^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(s)) throw new ExpressionError(`unexpected number ${s}`);
  return v < 0 ? `(${s})` : s;
}

export interface CompiledExpression {
  /** the variable names the expression uses, in the order of `names` */
  used: string[];
  /** evaluate over n cells; inputs[k] is the array of used[k]; returns the count of non-finite results */
  evaluate(inputs: ArrayLike<number>[], n: number, out: Float64Array): number;
  /** the generated JavaScript (for the log / debugging) */
  code: string;
}

/** Compile `expr` over variables `names`; throws ExpressionError with a message for the user. */
export function compileExpression(expr: string, names: string[], suggest?: (w: string, c: string[]) => string | undefined): CompiledExpression {
  let tree: MathNode;
  try {
    tree = parse(expr);
  } catch (e) {
    throw new ExpressionError(`cannot parse the expression "${expr}": ${(e as Error).message}`);
  }
  const used = new Set<string>();
  const gen = (node: MathNode): string => {
    const n = node as MathNode & Record<string, unknown>;
    switch (node.type) {
      case 'ConstantNode': {
        const v = n.value;
        if (typeof v === 'number') return numberLiteral(v);
        if (typeof v === 'boolean') return v ? '1' : '0';
        throw new ExpressionError(`only numbers are allowed as constants, not ${JSON.stringify(v)}`);
      }
      case 'SymbolNode': {
        const name = n.name as string;
        if (names.includes(name)) {
          used.add(name);
          return `v${names.indexOf(name)}`;
        }
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) return CONSTANTS[name];
        const hint = suggest?.(name, names);
        throw new ExpressionError(`unknown variable "${name}" in the expression; the rasters are named ${names.join(', ')}${hint ? ` — did you mean "${hint}"?` : ''} (set names with NAMES)`);
      }
      case 'ParenthesisNode':
        return `(${gen(n.content as MathNode)})`;
      case 'OperatorNode': {
        const fn = n.fn as string;
        const args = (n.args as MathNode[]).map(gen);
        if (args.length === 2 && Object.prototype.hasOwnProperty.call(BINARY, fn)) return BINARY[fn](args[0], args[1]);
        if (args.length === 1 && Object.prototype.hasOwnProperty.call(UNARY, fn)) return UNARY[fn](args[0]);
        throw new ExpressionError(`the operator ${String(n.op)} is not supported in raster expressions`);
      }
      case 'ConditionalNode':
        return `((${gen(n.condition as MathNode)}) !== 0 ? ${gen(n.trueExpr as MathNode)} : ${gen(n.falseExpr as MathNode)})`;
      case 'FunctionNode': {
        const fnNode = n.fn as MathNode & { name?: string };
        const name = fnNode.type === 'SymbolNode' ? fnNode.name! : '';
        if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) {
          throw new ExpressionError(`unknown or disallowed function "${name || '(expression)'}"; allowed: ${Object.keys(FUNCTIONS).join(', ')}`);
        }
        const [lo, hi, make] = FUNCTIONS[name];
        const args = (n.args as MathNode[]).map(gen);
        if (args.length < lo || args.length > hi) throw new ExpressionError(`${name}() takes ${lo === hi ? lo : `${lo}–${hi}`} argument${hi > 1 ? 's' : ''}, got ${args.length}`);
        return make(args);
      }
      default:
        throw new ExpressionError(`"${node.toString()}" (${node.type}) is not allowed in raster expressions: use numbers, the raster names, operators and math functions`);
    }
  };
  const body = gen(tree);
  const usedList = names.filter((x) => used.has(x));
  const reads = usedList.map((x, k) => `const v${names.indexOf(x)} = A[${k}][i];`).join(' ');
  const nanTest = usedList.length ? usedList.map((x) => `v${names.indexOf(x)} !== v${names.indexOf(x)}`).join(' || ') : 'false';
  const code = `let bad = 0;
for (let i = 0; i < n; i++) {
  ${reads}
  if (${nanTest}) { out[i] = NaN; continue; }
  const r = ${body};
  if (r === r && r !== Infinity && r !== -Infinity) out[i] = r; else { out[i] = NaN; bad++; }
}
return bad;`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fn = new Function('A', 'n', 'out', 'H', code) as (A: ArrayLike<number>[], n: number, out: Float64Array, H: typeof HELPERS) => number;
  return {
    used: usedList,
    code,
    evaluate: (inputs, n, out) => fn(inputs, n, out, HELPERS),
  };
}
