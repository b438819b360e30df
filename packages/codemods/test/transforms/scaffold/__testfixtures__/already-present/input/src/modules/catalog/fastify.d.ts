import type { DbSession } from '../../db/session.js';

declare module 'fastify' {
  interface FastifyRequest {
    db: DbSession;
  }
}
