// Lint never crashes on a damaged manifest: upstream's examples, each mutated at random places.
import { join } from 'node:path';
import { describeLintRobustness } from '../helpers/lint-robustness.js';
import { yamlFilesUnder } from '../helpers/yaml-files.js';
import { referenceDir } from '../helpers/reference.js';

describeLintRobustness(
  'robustness over upstream examples',
  yamlFilesUnder(join(referenceDir(), 'examples')),
  {
    objectMutations: 8,
    textDamages: 4,
    minRuns: 1000,
  },
);
