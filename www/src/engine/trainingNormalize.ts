// Checks the training progress the core's IclTraining.advance hands back (every field the page reads).
import type { TrainCurvePoint, TrainProgress } from './iclTypes';
import { num } from './iclNormalize';
import { toPlain } from './normalize';

type Obj = Record<string, unknown>;

/** One curve point; `gamma_diag` is kept when it is an array of numbers. */
export function toCurvePoint(value: unknown): TrainCurvePoint {
  const o = toPlain(value) as Obj;
  if (o === null || typeof o !== 'object') throw new Error('engine: a training curve point is not an object');
  const gamma = o.gamma_diag;
  return {
    step: num(o, 'step', 'curve point'),
    loss: num(o, 'loss', 'curve point'),
    eval_loss: num(o, 'eval_loss', 'curve point'),
    cos: num(o, 'cos', 'curve point'),
    model_diff: num(o, 'model_diff', 'curve point'),
    preds_diff: num(o, 'preds_diff', 'curve point'),
    gamma_diag: Array.isArray(gamma) && gamma.every((g) => typeof g === 'number') ? (gamma as number[]) : null,
  };
}

/** `{learner, step, steps, points, done}` from `advance`. */
export function toTrainProgress(value: unknown): TrainProgress {
  const o = toPlain(value) as Obj;
  if (o === null || typeof o !== 'object') throw new Error('engine: training progress is not an object');
  const points = Array.isArray(o.points) ? o.points.map(toCurvePoint) : [];
  const learner = o.learner;
  return {
    learner: typeof learner === 'number' ? learner : null,
    step: num(o, 'step', 'progress'),
    steps: num(o, 'steps', 'progress'),
    points,
    done: o.done === true,
  };
}
