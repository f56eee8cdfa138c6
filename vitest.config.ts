import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reference suite needs upstream's workflows beside the repository: vitest.reference.config.ts.
    exclude: [...configDefaults.exclude, 'test/reference/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
