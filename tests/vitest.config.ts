import { defineConfig } from 'vitest/config';
import { packageTestConfig } from '../vitest.shared.ts';

export default defineConfig(
  packageTestConfig('integration', {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'fixtures/**'],
  }),
);
