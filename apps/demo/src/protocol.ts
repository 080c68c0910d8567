// Messages between the page (main.ts) and the runtime worker (worker.ts).

/** Where the model comes from: the embedded default folder (a URL) or files the user picked or dropped. */
export type ModelSource = { kind: 'url'; base: string } | { kind: 'files'; files: File[] };

/** Page → worker. */
export type Request =
  | { type: 'load'; source: ModelSource; threads: number }
  | { type: 'analyze'; id: number; text: string }
  | { type: 'generate'; id: number; prompt: string; options: GenerateSettings }
  | { type: 'abort'; id: number };

/** The generation settings the page sends (the Sample panel's controls plus length and seed). */
export interface GenerateSettings {
  maxTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
}

/** What the page shows about a loaded model. */
export interface ModelInfo {
  modelType: string;
  vocabSize: number;
  dModel: number;
  nLayer: number;
  nHead: number;
  maxPositions: number;
  positions: 'learned' | 'rope' | 'sinusoidal';
  parameters: number;
  backendName: string;
  threads: number;
  /** Tokens the inspection panels look at (attention heatmaps grow as T²). */
  inspectTokens: number;
  files: string[];
  /** Each token id's text (decoded alone; partial UTF-8 shows as U+FFFD): labels for the Sample panel. */
  vocab: string[];
}

/** One forward pass over the typed text, with everything the panels draw. */
export interface Analysis {
  id: number;
  /** Token ids (the prompt as generate() sees it, cut to ModelInfo.inspectTokens). */
  ids: number[];
  /** Each token's text (partial UTF-8 shows as U+FFFD). */
  pieces: string[];
  /** Tokens of the whole text before the cut. */
  totalTokens: number;
  /** Token embeddings E[id]: [T, C] row-major. */
  tokenEmbeddings: Float32Array;
  /** Position vectors added to them: [T, C], or undefined for RoPE (positions rotate q and k instead). */
  positionEmbeddings: Float32Array | undefined;
  /** Attention weights per layer: [H, T, T] row-major (row = query, column = key). */
  attention: Float32Array[];
  /** Logits of the token after the text: [V]. */
  nextLogits: Float32Array;
}

/** Worker → page. */
export type Reply =
  | { type: 'progress'; loaded: number; total: number; file: string }
  | { type: 'loaded'; info: ModelInfo }
  | { type: 'load-error'; message: string }
  | ({ type: 'analysis' } & Analysis)
  | { type: 'token'; id: number; tokenId: number; text: string }
  | { type: 'done'; id: number; tokens: number; seconds: number; reason: string; seed: number }
  | { type: 'error'; id: number; message: string };
