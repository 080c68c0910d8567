import { defineConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

export default defineConfig(packageTestConfig('cli', { globalSetup: ['test/global-setup.ts'] }));
