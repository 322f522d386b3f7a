// Fallback types for the wasm package, used by the type check only while www/pkg has not been built yet.
// The real package (wasm-pack --target web) replaces this through tsconfig "paths"; keep in sync with the core.

export default function init(moduleOrPath?: unknown): Promise<unknown>;

export class Engine {
  private constructor();
  static create(): Promise<Engine>;
  deviceInfo(): any;
  evaluate(request: any): Promise<any>;
  /** Fault drill: destroys the WebGPU device; auto then runs on the CPU path and says why. */
  simulateDeviceLoss(): void;
  /** Fault drill: panics inside the core (a WebAssembly.RuntimeError in JS). */
  simulatePanic(): void;
  free(): void;
}

/** The variant catalog ({variants: [...]}); absent from cores older than the catalog. */
export function catalog(): any;

/** In-context regression (`attnscope icl`'s request and response); synchronous, throws {field, message}. */
export function iclEvaluate(request: any): any;

/** An ICL request answered in slices: trainable learners train `advance(budget)` steps at a time. */
export class IclTraining {
  constructor(request: any);
  advance(budget: number): any;
  done(): boolean;
  finish(): any;
  free(): void;
}
