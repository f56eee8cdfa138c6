// The reference suite: our validation and expression languages over upstream's example and
// functional-test workflows, which are not part of the repository. Run by .ci/run's acceptance stage:
//   ARGO_REFERENCE=../shared/reference npm run test:reference
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reference/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
