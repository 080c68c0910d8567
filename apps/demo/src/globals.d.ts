/** True when apps/cli/models/default still holds the random-weight placeholder (set by vite.config.ts). */
declare const __DEFAULT_MODEL_IS_PLACEHOLDER__: boolean;
