import { Type } from 'typebox';
import type { UseCases } from '../../app/index.js';
import { AUDITED_STORES } from '../../app/audit.js';
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

const AuditedStoreJson = Type.Union([Type.Literal(AUDITED_STORES[0]), Type.Literal(AUDITED_STORES[1]), Type.Literal(AUDITED_STORES[2])]);
const AuditRequest = Type.Object(
  {
    stores: Type.Optional(Type.Array(AuditedStoreJson, { minItems: 1, maxItems: AUDITED_STORES.length, uniqueItems: true, description: 'Stores to audit (default: all)' })),
    repair: Type.Optional(Type.Boolean({ description: 'Fix exactly the differences found, without a rebuild (default: false)' })),
  },
  { ...strict, examples: [{ stores: ['search'], repair: false }] },
);
const DifferenceJson = Type.Object(
  {
    key: Type.String({ description: 'What differs, e.g. `book <id>`, `7d category:<name> <bookId>`, `purchased <userId> <bookId>`' }),
    expected: Type.Union([Type.Number(), Type.String(), Type.Null()], { description: 'What the system of record says (null: should be absent)' }),
    actual: Type.Union([Type.Number(), Type.String(), Type.Null()], { description: 'What the store holds (null: missing)' }),
  },
  strict,
);
const StoreAuditJson = Type.Object(
  {
    store: AuditedStoreJson,
    checked: Type.Integer({ description: 'Entries compared' }),
    drift: Type.Integer({ description: 'Differences found (seen twice, the second time after the projection caught up)' }),
    differences: Type.Array(DifferenceJson, { description: 'The first differences (at most 50)' }),
    repaired: Type.Integer(),
    remaining: Type.Integer({ description: 'Differences left at the end (after the repair, if asked)' }),
  },
  strict,
);
const AuditReportJson = Type.Object(
  {
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.String({ format: 'date-time' }),
    repair: Type.Boolean(),
    stores: Type.Array(StoreAuditJson),
    drift: Type.Integer(),
    remaining: Type.Integer(),
  },
  strict,
);
const LastAudit = Type.Object(
  { audit: Type.Union([AuditReportJson, Type.Null()], { description: 'The last audit this server process ran; null before the first' }) },
  strict,
);

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

  app.get(
    '/admin/audit',
    {
      config: { access: 'admin' },
      schema: { tags, operationId: 'lastAudit', summary: 'The last drift audit this server ran (admin)', response: responses({ 200: { description: 'The last audit, or null', schema: LastAudit } }) },
    },
    async () => ({ audit: useCases.audit.lastAudit() }),
  );

  app.post(
    '/admin/audit',
    {
      config: { access: 'admin' },
      // The body is optional: none means every store, no repair. A JSON `null` is a body, and not an object.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      schema: {
        tags,
        operationId: 'runAudit',
        summary: 'Compare derived stores with the system of record, and repair what differs if asked (admin; 409 while one runs)',
        body: AuditRequest,
        response: responses({ 200: { description: 'The audit report', schema: AuditReportJson } }),
      },
    },
    async (request) => {
      const { stores, repair } = request.body;
      return useCases.audit.audit({ ...(stores ? { stores } : {}), repair: repair ?? false });
    },
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
