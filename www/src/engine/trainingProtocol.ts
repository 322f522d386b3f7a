// Messages between the page and the training worker (one training run at a time).
import type { IclRequest, IclResponse, TrainProgress } from './iclTypes';
import type { EngineError } from './types';

export type ToTrainer =
  | { type: 'start'; id: number; request: IclRequest }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'cancel'; id: number };

export type FromTrainer =
  | { type: 'started'; id: number }
  | { type: 'progress'; id: number; progress: TrainProgress }
  | { type: 'paused'; id: number }
  | { type: 'resumed'; id: number }
  | { type: 'cancelled'; id: number }
  | { type: 'result'; id: number; response: IclResponse }
  | { type: 'error'; id: number; error: EngineError };
