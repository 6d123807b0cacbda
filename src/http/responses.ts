import { ProblemSchema } from './problem.js';

/** Response schemas of a route plus the problem documents every route may answer with. */
export function responses<T extends Record<number, unknown>>(ok: T) {
  return { ...ok, '4xx': ProblemSchema, '5xx': ProblemSchema };
}
