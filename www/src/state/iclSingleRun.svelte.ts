// One ICL request at a time for a view (V5, V10): the last answer, whether one is pending, and the core's error by field.
import type { EngineClient } from '../engine/engine';
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import type { EngineError } from '../engine/types';

export type IclRun = { request: IclRequest; response: IclResponse };

export class IclSingleRun {
  run = $state.raw<IclRun | null>(null);
  pending = $state(false);
  /** The core's error: the dotted field it names ('' for the whole request) and its message. */
  error = $state.raw<{ field: string; message: string } | null>(null);
  private generation = 0;

  constructor(
    private readonly client: EngineClient,
    private readonly key: string,
  ) {}

  /** Sends `request` in the worker; an older request still on its way is superseded (same key). */
  send(request: IclRequest): void {
    const gen = ++this.generation;
    this.pending = true;
    this.client.icl(request, this.key).then(
      (response) => {
        if (response === null || gen !== this.generation) return;
        this.run = { request, response };
        this.error = null;
        this.pending = false;
      },
      (raw: EngineError) => {
        if (gen !== this.generation) return;
        this.error = { field: raw.field ?? '', message: raw.message };
        this.pending = false;
      },
    );
  }

  stop(): void {
    this.generation++;
    this.pending = false;
    this.client.cancel([this.key]);
  }

  /** Whether the last answer is for `request`. */
  answers(request: IclRequest | null): boolean {
    return this.run !== null && request !== null && JSON.stringify(this.run.request) === JSON.stringify(request);
  }
}
