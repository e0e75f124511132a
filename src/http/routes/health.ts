/** Liveness and readiness (api.md): `/readyz` checks the database answers and is fully migrated. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { pendingMigrations } from '../../storage/migrator.js';
import type { DB } from '../../storage/schema.js';

const Health = Type.Object({
  status: Type.String(),
  database: Type.Optional(Type.String()),
  pending_migrations: Type.Optional(Type.Array(Type.String())),
});

export default function healthRoutes(app: FastifyInstance, options: { db: Kysely<DB> }): void {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Readiness: database reachable and migrations applied',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(options.db);
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
      }
      const pending = await pendingMigrations(options.db);
      if (pending.length > 0) {
        return reply
          .status(503)
          .send({ status: 'unavailable', database: 'ok', pending_migrations: pending });
      }
      return { status: 'ok', database: 'ok' };
    },
  );
}
