// Reading an ICL response: a learner by its slot in the request (two learners may share a name).
import type { IclLearnerResult, IclResponse } from '../engine/iclTypes';

/** The response's learner for request slot `index` (the core answers in request order), else the first of that name. */
export function learnerAt(response: IclResponse, index: number, name: string): IclLearnerResult | null {
  const at = response.learners[index];
  return at?.name === name ? at : (response.learners.find((l) => l.name === name) ?? null);
}
