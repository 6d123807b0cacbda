import { describe, expect, it } from 'vitest';
import type { ProjectionStatus } from '../../src/ports/projection-control.js';
import { withState } from '../../src/projections/projection-state.js';

const base: ProjectionStatus = {
  name: 'graph',
  position: 40,
  generation: 1,
  headPosition: 40,
  lagEvents: 0,
  lagMs: 0,
  lastError: null,
  rebuilding: false,
  updatedAt: 0,
  delivery: { samples: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 },
};

describe('the state of a projection', () => {
  it('is caught-up only with nothing failing, rebuilding, unknown or waiting', () => {
    expect(withState(base).state).toBe('caught-up');
    expect(withState({ ...base, lagEvents: 3, headPosition: 43 }).state).toBe('behind');
    expect(withState({ ...base, rebuilding: true }).state).toBe('rebuilding');
    expect(withState({ ...base, lagUnknown: 'not from here' }).state).toBe('unknown');
  });

  it('is failing whenever the last attempt failed, and then never shows a lag of 0', () => {
    const failing = withState({ ...base, lastError: 'Server error: Conflict: element modified in another transaction (500)' });
    expect(failing.state).toBe('failing');
    expect(failing.lagEvents).toBe(1);
    expect(failing.headPosition).toBe(41);
    // A failure outranks every other state, and keeps a lag it already had.
    expect(withState({ ...base, lastError: 'x', rebuilding: true, lagUnknown: 'not from here' }).state).toBe('failing');
    expect(withState({ ...base, lastError: 'x', lagEvents: 7, headPosition: 47 })).toMatchObject({ lagEvents: 7, headPosition: 47 });
  });
});
