import type { DbSession } from '../../db/session.js';

/** Publishes what the outbox holds (the project's own relay). */
export async function pending(db: DbSession): Promise<number> {
  const { rows } = await db.execute<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
  return rows[0]?.n ?? 0;
}
