// Messages between the engine client (page) and the engine worker (wasm).
import type { Catalog, DeviceInfo, EngineError, Request, Response } from './types';

export type ToWorker =
  | { type: 'evaluate'; id: number; key: string; request: Request }
  /** Drop these requests if they are still queued (their answers are no longer wanted). */
  | { type: 'cancel'; ids: number[] };

export type FromWorker =
  | { type: 'ready'; info: DeviceInfo; catalog: Catalog }
  | { type: 'init-error'; message: string }
  /** The worker began computing this request (for progress). */
  | { type: 'started'; id: number }
  | { type: 'result'; id: number; response: Response }
  | { type: 'error'; id: number; error: EngineError }
  /** The worker dropped a queued request because a newer one with the same key arrived. */
  | { type: 'skipped'; id: number };
