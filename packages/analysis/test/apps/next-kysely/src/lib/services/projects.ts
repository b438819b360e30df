import { db, type Project } from '../db';
import { NotFoundError } from '../errors';
import { notifications } from '../queue';

export interface NewProject {
  name: string;
  description?: string;
}

export type ProjectPatch = Partial<NewProject>;

// expect: none — a read built by a query builder: not an operation
export async function listProjects(ownerId: string): Promise<Project[]> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('archived_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

// expect: operation idempotency=no event=yes commit=yes — the project and its outbox row share one transaction
export async function createProject(input: NewProject, ownerId: string): Promise<Project> {
  return db.transaction().execute(async (trx) => {
    const project = await trx
      .insertInto('projects')
      .values({ name: input.name, description: input.description ?? null, owner_id: ownerId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('project_members').values({ project_id: project.id, user_id: ownerId, role: 'owner' }).execute();
    await trx
      .insertInto('outbox')
      .values({
        aggregate_type: 'project',
        aggregate_id: project.id,
        event_type: 'project.created',
        payload: JSON.stringify(project),
      })
      .execute();
    return project;
  });
}

// expect: operation event=no
export async function updateProject(id: string, patch: ProjectPatch): Promise<Project> {
  const project = await db
    .updateTable('projects')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!project) throw new NotFoundError(`project ${id} not found`);
  return project;
}

// expect: operation idempotency=no event=no commit=yes — the queue send after the commit is a dual write
export const archiveProject = async (id: string): Promise<void> => {
  await db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('projects')
      .set({ archived_at: new Date() })
      .where('id', '=', id)
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`project ${id} not found or already archived`);
    await trx.deleteFrom('project_invites').where('project_id', '=', id).execute();
  });
  // expect: none — a queue send after the commit: a dual write, not an outbox event
  await notifications.add('project-archived', { projectId: id });
};
