// The Request/Response/DeviceInfo/Catalog contract with the wasm core (the wasm-pack .d.ts types these as `any`).

/** A catalog variant name ("softmax", "performer", …): the catalog is the source of truth. */
export type VariantName = string;

/** A parameter value as the core's Request takes it (matrix params are number[][]). */
export type ParamValue = number | boolean | string | number[] | number[][];

/** One variant with its parameters: {"name": "performer", "features": 64}. */
export type VariantSpec = { name: VariantName } & { [param: string]: ParamValue };

export type WorkloadKind = 'gaussian' | 'clustered' | 'local' | 'copy' | 'recall' | 'given';

export type Workload =
  | ({ kind: Exclude<WorkloadKind, 'given'>; n: number; d_k: number; d_v?: number; seed?: number; rope?: boolean } & {
      [extra: string]: number | boolean | string | undefined;
    })
  | { kind: 'given'; q: number[][]; k: number[][]; v: number[][]; rope?: boolean };

export type OutputKind = 'output' | 'attention' | 'stats';

export type Backend = 'cpu' | 'gpu';

export type Request = {
  variant: VariantSpec;
  causal?: boolean;
  workload: Workload;
  backend?: Backend | 'auto';
  outputs?: OutputKind[];
  compare_to?: VariantName;
};

/** A dense row-major f32 matrix. */
export type MatrixF32 = { rows: number; cols: number; data: Float32Array };

export type VsSoftmax = {
  attention_rel_frobenius: number | null;
  mean_row_kl: number | null;
  output_abs_error: number | null;
  output_rel_error: number | null;
};

export type Stats = {
  entropy_rows: number[];
  entropy_normalized_rows: number[];
  entropy_mean: number;
  entropy_normalized_mean: number;
  singular_values: number[];
  effective_rank: number;
  /** Fields below arrive with newer cores; null when the core does not send them. */
  stable_rank: number | null;
  numerical_rank: number | null;
  rank_tolerance: number | null;
  spectral_gap: number | null;
  spectral_gap_note: string | null;
  entropy_on_abs: boolean | null;
  output_effective_rank: number | null;
  vs_softmax: VsSoftmax | null;
  /** Rows of a row-normalised variant that do not sum to 1 (no feature mass: undefined, flagged). */
  unnormalized_rows: number[];
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

/** `vector`: one number per token (betas, step sizes); `matrix`: rows of numbers. */
export type ParamKind = 'number' | 'integer' | 'boolean' | 'string' | 'vector' | 'matrix';

/** One parameter of a variant, as the catalog describes it. */
export type ParamSpec = {
  name: string;
  kind: ParamKind;
  default: ParamValue | null;
  default_note: string | null;
  min: number | null;
  max: number | null;
  log_scale: boolean;
  description: string;
  /** Accepted values of a string parameter, when the catalog lists them. */
  choices: string[] | null;
};

export type CatalogEntry = {
  name: VariantName;
  title: string;
  family: string;
  idea: string;
  paper: { title: string; authors: string; venue: string; year: number | null };
  spec_section: string;
  cost: { time: string; memory: string };
  row_normalized: boolean;
  signed: boolean;
  supports: { causal: boolean; non_causal: boolean };
  params: ParamSpec[];
  formula_tex: string;
  confirmed: boolean;
};

/** One workload kind as the core's catalog describes it (its params are numbers with the parser's ranges). */
export type WorkloadCard = {
  kind: string;
  idea: string;
  /** RoPE is on unless the request switches it off. */
  rope_default: boolean;
  params: ParamSpec[];
};

/** The sizes the core holds every request to (n × n budget: attention and stats). */
export type CoreLimits = {
  n_max: number;
  d_k_max: number;
  d_v_max: number;
  attention_n_max: number;
  stats_n_max: number;
};

export type Catalog = {
  variants: CatalogEntry[];
  /** Empty from a core that predates the workload catalog. */
  workloads: WorkloadCard[];
  /** Only the limits the core sent well-formed (none from an older core). */
  limits: Partial<CoreLimits>;
};
