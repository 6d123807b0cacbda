import { ConflictError, NotFoundError, UnavailableError } from '../domain/errors.js';
import type { BestsellerBoard } from '../ports/bestseller-board.js';
import type { Catalog } from '../ports/catalog.js';
import type { SearchIndex } from '../ports/search-index.js';
import type { SocialGraph } from '../ports/social-graph.js';
import type { ProjectionControl, ProjectionState, ProjectionStatus, RebuildStarted } from '../ports/projection-control.js';
import { withState } from '../projections/projection-state.js';

export interface OperationDeps {
  projections: ProjectionControl;
  catalog: Catalog;
  searchIndex: SearchIndex;
  bestsellers: BestsellerBoard;
  graph: SocialGraph;
  now(): Date;
}

export function operationUseCases({ projections, catalog, searchIndex, bestsellers, graph, now }: OperationDeps) {
  async function probe(component: string, check: () => Promise<unknown>): Promise<void> {
    try {
      await check();
    } catch (e) {
      throw new UnavailableError(component, { cause: e });
    }
  }

  return {
    /** Every projection with its state (projection-state.ts): never `caught-up`, nor a lag of 0, while it is failing. */
    async projectionStatus(): Promise<Array<ProjectionStatus & { state: ProjectionState }>> {
      return (await projections.status()).map(withState);
    },

    /**
     * Checks the projection exists and is not already rebuilding, then starts the rebuild; `finished`
     * settles when it is done if it runs in this process (null when a function of its own runs it),
     * so a caller may answer at once and watch the status.
     */
    async startRebuild(name: string): Promise<RebuildStarted> {
      const status = (await projections.status()).find((s) => s.name === name);
      if (!status) throw new NotFoundError('projection', name);
      if (status.rebuilding) throw new ConflictError('rebuild-in-progress', `projection ${name} is already rebuilding`);
      return projections.startRebuild(name);
    },

    /** Every store answers a cheap read; the first that does not is named in an UnavailableError. */
    async checkReady(): Promise<void> {
      await Promise.all([
        probe('system-of-record', () => catalog.list({ limit: 1 })),
        probe('search', () => searchIndex.count()),
        probe('bestsellers', () => bestsellers.top({ window: 'all', limit: 1, now: now().getTime() })),
        probe('graph', () => graph.alsoBought('readiness-probe', 1)),
      ]);
    },
  };
}
