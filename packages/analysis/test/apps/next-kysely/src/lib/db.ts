import { type ColumnType, type Generated, Kysely, PostgresDialect, type Selectable } from 'kysely';
import { Pool } from 'pg';

interface ProjectTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  description: string | null;
  archived_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

interface ProjectMemberTable {
  project_id: string;
  user_id: string;
  role: 'owner' | 'editor' | 'viewer';
}

interface ProjectInviteTable {
  id: Generated<string>;
  project_id: string;
  email: string;
}

interface TaskTable {
  id: Generated<string>;
  project_id: string;
  title: string;
  assignee_id: string | null;
  done_at: Date | null;
  done_by: string | null;
  created_at: ColumnType<Date, never, never>;
}

interface OutboxTable {
  id: Generated<string>;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: string;
  created_at: ColumnType<Date, never, never>;
  published_at: Date | null;
}

export interface Database {
  projects: ProjectTable;
  project_members: ProjectMemberTable;
  project_invites: ProjectInviteTable;
  tasks: TaskTable;
  outbox: OutboxTable;
}

export type Project = Selectable<ProjectTable>;
export type Task = Selectable<TaskTable>;

// One Kysely per server process: `next dev` reloads modules, so the instance is kept on globalThis there.
const globalForDb = globalThis as unknown as { db?: Kysely<Database> };

export const db =
  globalForDb.db ??
  new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new Pool({ connectionString: process.env.DATABASE_URL, max: 10 }),
    }),
  });

if (process.env.NODE_ENV !== 'production') globalForDb.db = db;
