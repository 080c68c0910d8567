// Shared vitest settings: resolve workspace packages to their TypeScript sources (the "@llmf/source"
// export condition), so tests never need an upstream build.
import type { TestUserConfig, ViteUserConfig } from 'vitest/config';

export const sourceConditions = ['@llmf/source', 'module', 'node', 'import', 'default'];

export function packageTestConfig(name: string, extra: TestUserConfig = {}): ViteUserConfig {
  return {
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@llmf/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      ...extra,
    },
  };
}
