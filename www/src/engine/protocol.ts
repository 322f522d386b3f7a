// Messages between the engine client (page) and the engine worker (wasm).
import type { DeviceInfo, EngineError, Request, Response } from './types';

export type ToWorker = { type: 'evaluate'; id: number; key: string; request: Request };

export type FromWorker =
  | { type: 'ready'; info: DeviceInfo }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; response: Response }
  | { type: 'error'; id: number; error: EngineError }
  /** The worker dropped a queued request because a newer one with the same key arrived. */
  | { type: 'skipped'; id: number };
