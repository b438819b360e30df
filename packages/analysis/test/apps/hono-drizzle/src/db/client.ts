import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

const queryClient = postgres(process.env.DATABASE_URL ?? 'postgres://localhost:5432/blog', { max: 10 });

export const db = drizzle(queryClient, { schema });
export type Db = typeof db;
