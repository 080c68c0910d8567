// @llmf/cli as a library: run `llmf` in-process, or use its hub downloader.

export { main, commands, type MainIo } from './main';
export { pullModel, hubEndpoint, resolveUrl, type PullOptions, type PullResult } from './hub/pull';
export { downloadFile, type DownloadOptions, type DownloadResult, type DownloadProgress } from './hub/download';
export { cacheRoot, parseRepoRef, repoDir, type RepoRef } from './hub/cache';
export { defaultModelDir, resolveModel, type ModelLocation } from './model';
