// The Request/Response/DeviceInfo contract with the wasm core (the wasm-pack .d.ts types these as `any`).

export type VariantName = 'softmax' | 'linear_elu';

export type VariantSpec =
  | { name: 'softmax'; temperature?: number; scale?: number }
  | { name: 'linear_elu'; eps?: number };

export type Workload =
  | { kind: 'gaussian'; n: number; d_k: number; d_v?: number; seed?: number }
  | { kind: 'given'; q: number[][]; k: number[][]; v: number[][] };

export type OutputKind = 'output' | 'attention' | 'stats';

export type Backend = 'cpu' | 'gpu';

export type Request = {
  variant: VariantSpec;
  causal?: boolean;
  workload: Workload;
  backend?: Backend | 'auto';
  outputs?: OutputKind[];
};

/** A dense row-major f32 matrix. */
export type MatrixF32 = { rows: number; cols: number; data: Float32Array };

export type Stats = {
  entropy_rows: number[];
  entropy_normalized_rows: number[];
  entropy_mean: number;
  entropy_normalized_mean: number;
  singular_values: number[];
  effective_rank: number;
};

export type Response = {
  variant: VariantSpec;
  backend: Backend;
  backend_note: string | null;
  n: number;
  d_k: number;
  d_v: number;
  output: MatrixF32 | null;
  attention: MatrixF32 | null;
  stats: Stats | null;
  /** Keys: workload, compute, stats, total, and gpu_kernel when timestamp queries exist. */
  timing_ms: Record<string, number>;
};

export type AdapterInfo = {
  name: string;
  vendor: number;
  device_type: string;
  backend: string;
  driver: string;
};

export type DeviceInfo = {
  gpu: boolean;
  /** Why there is no GPU, or ''. */
  note: string;
  adapter: AdapterInfo | null;
};

/** What the core rejects with: the offending request field and a readable message. */
export type EngineError = { field: string; message: string };
