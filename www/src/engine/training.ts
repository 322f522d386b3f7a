// Typed client for the training worker: one run at a time (a new run cancels the old), with pause, resume and
// cancel, and progress streamed to handlers. Training has its own worker so it never queues behind, or blocks,
// the attention and ICL requests of the engine worker.
import type { IclRequest, IclResponse, TrainProgress } from './iclTypes';
import type { FromTrainer, ToTrainer } from './trainingProtocol';
import type { EngineError } from './types';

/** The part of a Worker the client uses (a fake in unit tests). */
export interface TrainerWorkerLike {
  postMessage(message: ToTrainer): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<FromTrainer>) => void): void;
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
  terminate(): void;
}

export type TrainHandlers = {
  onProgress: (progress: TrainProgress) => void;
  onStarted?: () => void;
  onPaused?: () => void;
  onResumed?: () => void;
};

/** One training run: its final response (null when cancelled) and its controls. */
export type TrainingRun = {
  readonly id: number;
  readonly result: Promise<IclResponse | null>;
  pause(): void;
  resume(): void;
  cancel(): void;
};

type Active = { id: number; handlers: TrainHandlers; resolve: (r: IclResponse | null) => void; reject: (e: EngineError) => void };

export class TrainingClient {
  private worker: TrainerWorkerLike | null = null;
  private nextId = 1;
  private active: Active | null = null;

  constructor(private readonly createWorker: () => TrainerWorkerLike) {}

  /** Starts training `request` (cancelling any run in progress). */
  train(request: IclRequest, handlers: TrainHandlers): TrainingRun {
    this.cancelActive();
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const result = new Promise<IclResponse | null>((resolve, reject) => {
      this.active = { id, handlers, resolve, reject };
    });
    worker.postMessage({ type: 'start', id, request });
    const control = (type: 'pause' | 'resume') => () => {
      if (this.active?.id === id) worker.postMessage({ type, id });
    };
    return {
      id,
      result,
      pause: control('pause'),
      resume: control('resume'),
      cancel: () => {
        if (this.active?.id === id) this.cancelActive();
      },
    };
  }

  dispose(): void {
    this.cancelActive();
    this.worker?.terminate();
    this.worker = null;
  }

  private cancelActive(): void {
    const a = this.active;
    if (!a) return;
    this.active = null;
    this.worker?.postMessage({ type: 'cancel', id: a.id });
    a.resolve(null);
  }

  private ensureWorker(): TrainerWorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.addEventListener('message', (ev: MessageEvent<FromTrainer>) => this.onMessage(ev.data));
    worker.addEventListener('error', (ev: Event) => {
      const detail = (ev as Partial<ErrorEvent>).message;
      const a = this.active;
      this.active = null;
      this.worker = null;
      worker.terminate();
      a?.reject({ field: '', message: `training worker error: ${typeof detail === 'string' && detail ? detail : 'it failed to load or crashed'}` });
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(msg: FromTrainer): void {
    const a = this.active;
    if (!a || a.id !== msg.id) return; // a cancelled or replaced run
    switch (msg.type) {
      case 'started':
        a.handlers.onStarted?.();
        return;
      case 'progress':
        a.handlers.onProgress(msg.progress);
        return;
      case 'paused':
        a.handlers.onPaused?.();
        return;
      case 'resumed':
        a.handlers.onResumed?.();
        return;
      case 'cancelled':
        this.active = null;
        a.resolve(null);
        return;
      case 'result':
        this.active = null;
        a.resolve(msg.response);
        return;
      case 'error':
        this.active = null;
        a.reject(msg.error);
        return;
    }
  }
}

/** The real training worker (the wasm core in a module worker of its own). */
export function startTrainer(): TrainingClient {
  return new TrainingClient(
    () => new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'attnscope-training' }) as unknown as TrainerWorkerLike,
  );
}
