// @llmf/cli as a library: run `llmf` in-process, or use its hub downloader.

export { cacheRoot, parseRepoRef, type RepoRef, repoDir } from './hub/cache';
export {
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadFile,
} from './hub/download';
export { hubEndpoint, type PullOptions, type PullResult, pullModel, resolveUrl } from './hub/pull';
export { commands, type MainIo, main } from './main';
export { defaultModelDir, type ModelLocation, resolveModel } from './model';
