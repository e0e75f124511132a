/** Liveness and readiness (api.md): `/readyz` checks the database answers and is fully migrated. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

const Health = Type.Object({
  status: Type.String(),
  database: Type.Optional(Type.String()),
  pending_migrations: Type.Optional(Type.Array(Type.String())),
});

export interface HealthRoutesOptions {
  /** Whether the database answers, and the migrations on disk it has not applied. */
  readiness: () => Promise<{ reachable: boolean; pendingMigrations: string[] }>;
}

export default function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): void {
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
      const { reachable, pendingMigrations: pending } = await options.readiness();
      if (!reachable) {
        return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
      }
      if (pending.length > 0) {
        return reply
          .status(503)
          .send({ status: 'unavailable', database: 'ok', pending_migrations: pending });
      }
      return { status: 'ok', database: 'ok' };
    },
  );
}
