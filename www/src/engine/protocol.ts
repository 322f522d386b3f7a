// Messages between the engine client (page) and the engine worker (wasm).
import type { IclRequest, IclResponse } from './iclTypes';
import type { Catalog, DeviceInfo, EngineError, Request, Response } from './types';

/** A unit of work: one attention evaluation, or one in-context regression run (`attnscope icl`). */
export type JobMessage =
  | { type: 'evaluate'; id: number; key: string; request: Request }
  /** Synchronous in the worker; the same queue and per-key supersession as 'evaluate'. */
  | { type: 'icl'; id: number; key: string; request: IclRequest };

/** Fault drills (tests and demos): a lost GPU device, or a panic in the wasm core. */
export type Drill = 'device-loss' | 'panic';

export type ToWorker =
  | JobMessage
  /** Drop these requests if they are still queued (their answers are no longer wanted). */
  | { type: 'cancel'; ids: number[] }
  | { type: 'drill'; what: Drill };

export type FromWorker =
  | { type: 'ready'; info: DeviceInfo; catalog: Catalog }
  | { type: 'init-error'; message: string }
  /** The worker began computing this request (for progress). */
  | { type: 'started'; id: number }
  | { type: 'result'; id: number; response: Response }
  | { type: 'icl-result'; id: number; response: IclResponse }
  | { type: 'error'; id: number; error: EngineError }
  /** The wasm core trapped (a panic) while running this request: the worker is unusable and must be replaced. */
  | { type: 'crashed'; id: number | null; message: string }
  /** The worker dropped a queued request because a newer one with the same key arrived. */
  | { type: 'skipped'; id: number };
