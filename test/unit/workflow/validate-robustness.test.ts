// Lint never crashes on a damaged manifest: the repository's own example and fixture manifests, each
// mutated many times (test/helpers/lint-robustness.ts; the reference suite does the same over
// upstream's examples).
import { fileURLToPath } from 'node:url';
import { describeLintRobustness } from '../../helpers/lint-robustness.js';
import { yamlFilesUnder } from '../../helpers/yaml-files.js';

const repo = (dir: string): string => fileURLToPath(new URL(`../../../${dir}`, import.meta.url));

describeLintRobustness(
  'robustness over the repository manifests',
  yamlFilesUnder(repo('examples'), repo('test/fixtures'), repo('test/e2e/fixtures')),
  { objectMutations: 64, textDamages: 12, minRuns: 1000 },
);
