// Runs the native `attnscope eval` / `attnscope icl` on a request (stdin JSON → stdout JSON), the oracle for the page's numbers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type CliStats = {
  entropy_mean: number;
  entropy_normalized_mean: number;
  effective_rank: number;
  entropy_rows: number[];
  stable_rank: number;
  numerical_rank: number;
  spectral_gap: number | null;
  output?: { effective_rank: number } | null;
  vs_softmax?: { attention_rel_frobenius: number | null; output_rel_error?: number | null } | null;
};

export type CliResponse = { backend: string; n: number; stats: CliStats | null };

/** The CLI binary: $ATTNSCOPE_CLI, else ../target/debug/attnscope relative to www/. */
export function cliPath(wwwDir: string): string {
  return resolve(wwwDir, process.env.ATTNSCOPE_CLI ?? '../target/debug/attnscope');
}

export function runCli(cli: string, request: unknown): CliResponse {
  if (!existsSync(cli)) throw new Error(`attnscope CLI not found at ${cli} (build it, or set ATTNSCOPE_CLI)`);
  const out = spawnSync(cli, ['eval'], { input: JSON.stringify(request), encoding: 'utf8', timeout: 120_000 });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`attnscope eval exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as CliResponse;
}

/** What `attnscope icl` prints (the fields the e2e checks; icl.md §2). */
export type CliIclLearner = {
  name: string;
  risk: number;
  risk_se: number;
  risk_closed_form: number | null;
  closed_form_note: string | null;
  params: { gamma_lambda_eigs?: number[]; etas?: number[] };
  closed_form_at_lengths: number[] | null;
};

export type CliIclResponse = { d: number; n: number; tasks: number; zero_predictor_risk: number; cov_eigs: number[]; learners: CliIclLearner[] };

/** `attnscope icl` on an ICL request; throws with the CLI's error on a bad request (exit 2). */
export function runIclCli(cli: string, request: unknown): CliIclResponse {
  if (!existsSync(cli)) throw new Error(`attnscope CLI not found at ${cli} (build it, or set ATTNSCOPE_CLI)`);
  const out = spawnSync(cli, ['icl'], { input: JSON.stringify(request), encoding: 'utf8', timeout: 300_000 });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`attnscope icl exited ${out.status}: ${out.stdout} ${out.stderr}`);
  return JSON.parse(out.stdout) as CliIclResponse;
}
