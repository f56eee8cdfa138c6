// The fault-injection suite (`npm run test:faults`): slow, and run on its own, never in parallel
// with itself or the main suite's files, since it kills processes and times how work resumes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
