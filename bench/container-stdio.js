// What `stdin: true` and `tty: true` add to a container's start: the time to run `/bin/true`
// through each wrapper the host runtime puts around such a container (container-stdio.ts), against
// running it bare in the same run. Containers that ask for neither get no wrapper.
// Run after `npm run build`: node bench/container-stdio.js [--runs 41]
// Each figure is the median of N starts, the three kinds interleaved so machine load hits all alike.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '41' } } });
const RUNS = Math.max(1, Number(values.runs) || 41);

const { containerStdio } = await import('../dist/executor/host/container-stdio.js');

const kinds = { plain: {}, stdin: { stdin: true }, tty: { tty: true } };
const argvs = Object.fromEntries(
  Object.entries(kinds).map(([kind, spec]) => [
    kind,
    containerStdio(spec, ['/bin/true'], { path: process.env.PATH ?? '', tell: (m) => console.error(m) }).argv,
  ]),
);
const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) {
  for (const [kind, argv] of Object.entries(argvs)) {
    const started = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${kind}: exited ${r.status}`);
    times[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.plain);
for (const kind of Object.keys(kinds)) {
  const m = median(times[kind]);
  console.log(`${kind.padEnd(6)} ${m.toFixed(1).padStart(6)} ms per start  ${(m / base).toFixed(1)}x plain`);
}
