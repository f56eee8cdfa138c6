// The reference suite (vitest.reference.config.ts, `npm run test:reference`) walks upstream's example
// and functional-test workflows, which are not part of the repository: .ci/run's acceptance stage
// names their folder in ARGO_REFERENCE.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The folder holding upstream's `examples/` and `functional/`; throws with the reason when unusable. */
export function referenceDir(): string {
  const dir = process.env.ARGO_REFERENCE;
  if (!dir) throw new Error('ARGO_REFERENCE is not set: name the folder holding examples/ and functional/');
  for (const sub of ['examples', 'functional'])
    if (!existsSync(join(dir, sub))) throw new Error(`ARGO_REFERENCE=${dir}: no ${sub}/ folder in it`);
  return dir;
}
