// One vitest run over the whole monorepo: every package and app is a project, plus the cross-package
// suite in tests/. `npm test` runs this after building, so the runner prints one summary.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tests'],
  },
});
