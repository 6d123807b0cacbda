import { Type } from 'typebox';
import type { UseCases } from '../../app/index.js';
import { HEADERS, responses } from '../responses.js';
import type { App } from '../types.js';

const strict = { additionalProperties: false } as const;
const tags = ['operations'];

const Status = Type.Object({ status: Type.Literal('ok') }, strict);

const RebuildProgressJson = Type.Object(
  {
    id: Type.String(),
    phase: Type.Union([Type.Literal('loading'), Type.Literal('switching'), Type.Literal('done'), Type.Literal('failed')]),
    loaded: Type.Integer(),
    total: Type.Union([Type.Integer(), Type.Null()]),
    chunks: Type.Integer(),
    startedAt: Type.Number(),
    updatedAt: Type.Number(),
    stalled: Type.Boolean(),
    lastError: Type.Union([Type.String(), Type.Null()]),
  },
  { ...strict, description: 'The latest rebuild run in chunks by the rebuild function (deployed on Lambda only)' },
);

const ProjectionStatusJson = Type.Object(
  {
    name: Type.String(),
    position: Type.Integer(),
    generation: Type.Integer(),
    headPosition: Type.Integer(),
    lagEvents: Type.Integer(),
    lagMs: Type.Number(),
    lagUnknown: Type.Optional(Type.String({ description: 'Set where the lag cannot be known by this runtime (on Lambda): why, and where to look' })),
    lastError: Type.Union([Type.String(), Type.Null()]),
    rebuilding: Type.Boolean(),
    state: Type.Union([Type.Literal('caught-up'), Type.Literal('behind'), Type.Literal('failing'), Type.Literal('rebuilding'), Type.Literal('unknown')], {
      description: 'failing whenever the last attempt failed (its lag is then at least 1 event, whatever was measured); caught-up only when nothing is failing, rebuilding, unknown or waiting',
    }),
    updatedAt: Type.Number(),
    delivery: Type.Object(
      { samples: Type.Integer(), p50Ms: Type.Number(), p99Ms: Type.Number(), maxMs: Type.Number() },
      { ...strict, description: 'Commit-to-apply delay of the events applied in the last minute' },
    ),
    rebuild: Type.Optional(Type.Union([RebuildProgressJson, Type.Null()])),
  },
  strict,
);

const ProjectionList = Type.Object({ projections: Type.Array(ProjectionStatusJson) }, strict);
const ProjectionParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z-]+$', examples: ['search'] }) }, strict);
const RebuildAccepted = Type.Object({ projection: Type.String(), status: Type.Literal('rebuilding') }, strict);

/** Liveness and readiness, outside /api/v1 where orchestrators expect them. */
export function healthRoutes(app: App, useCases: UseCases): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags, operationId: 'liveness', summary: 'Liveness: the process answers', response: responses({ 200: { description: 'The process answers', schema: Status } }) } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags, operationId: 'readiness', summary: 'Readiness: every store answers (503 problem otherwise)', response: responses({ 200: { description: 'Every store answers', schema: Status } }) } },
    async () => {
      await useCases.operations.checkReady();
      return { status: 'ok' as const };
    },
  );
}

export function adminRoutes(app: App, useCases: UseCases): void {
  const { operations } = useCases;

  app.get(
    '/admin/projections',
    {
      config: { access: 'admin' },
      schema: { tags, operationId: 'listProjections', summary: 'Position, lag and health of each projection (admin)', response: responses({ 200: { description: 'Every projection', schema: ProjectionList } }) },
    },
    async () => ({ projections: await operations.projectionStatus() }),
  );

  app.post(
    '/admin/projections/:name/rebuild',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        operationId: 'rebuildProjection',
        summary: 'Rebuild a derived store from a snapshot while it keeps serving (admin; 202, watch GET /admin/projections)',
        params: ProjectionParams,
        response: responses({ 202: { description: 'The rebuild started', schema: RebuildAccepted, headers: { location: HEADERS.location } } }),
      },
    },
    async (request, reply) => {
      const name = request.params.name;
      const { finished } = await operations.startRebuild(name);
      // A rebuild can take minutes on a big catalog: answer now, and report its end (or failure) in the
      // log. On Lambda it runs in the rebuild function, whose progress GET /admin/projections shows.
      finished?.then(
        () => request.log.info({ projection: name }, 'projection rebuilt'),
        (err: unknown) => request.log.error({ err, projection: name }, 'projection rebuild failed'),
      );
      reply.code(202).header('location', '/api/v1/admin/projections');
      return { projection: name, status: 'rebuilding' as const };
    },
  );
}
