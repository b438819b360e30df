import { Pool } from 'pg';

// One pool per process. A transaction checks a client out with pool.connect() and runs BEGIN/COMMIT on it;
// a single statement goes through pool.query().
export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.PG_POOL_MAX ?? 10),
  idleTimeoutMillis: 30_000,
});
