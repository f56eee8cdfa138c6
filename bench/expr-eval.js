// Expression evaluation: a cached compiled expression against parsing and compiling it for every
// evaluation, on the kind of `when`/`{{= }}` expression Argo evaluates per node.
// Run after `npm run build`: node bench/expr-eval.js
import { argoExprEnv, compile, evaluateRaw } from '../dist/workflow/expr/index.js';

const vars = {};
for (let i = 0; i < 200; i++) vars[`steps.step-${i}.outputs.result`] = `value-${i}`;
vars['steps.flip-coin.outputs.result'] = 'heads';
vars['inputs.parameters.count'] = '3';
const env = argoExprEnv(vars);
const source = "steps['flip-coin'].outputs.result == 'heads' && asInt(inputs.parameters.count) > 2";

function perEvaluation(n, fn) {
  for (let i = 0; i < Math.min(n, 1000); i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / n / 1000;
}

// A fresh source text each time defeats the cache: this is the cost without it.
const uncached = perEvaluation(20_000, (i) => compile(`${source} || ${i} < 0`).runRaw(env));
const cached = perEvaluation(200_000, () => evaluateRaw(source, env));
console.log(
  `expr: cached evaluation ${(uncached / cached).toFixed(1)}x faster than compiling each time ` +
    `(${cached.toFixed(2)} us vs ${uncached.toFixed(2)} us per evaluation)`,
);
