import { db, type Task } from '../db';
import { ConflictError, NotFoundError } from '../errors';

export interface TaskSummary {
  id: string;
  title: string;
  done: boolean;
}

// expect: none — a read: not an operation
export async function tasksForProject(projectId: string): Promise<Task[]> {
  return db.selectFrom('tasks').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
}

// expect: none — an exported function that touches no database: not an operation
export function toSummary(task: Task): TaskSummary {
  return { id: task.id, title: task.title, done: task.done_at !== null };
}

// expect: operation idempotency=no event=yes commit=yes
export async function completeTask(taskId: string, userId: string): Promise<Task> {
  return db.transaction().execute(async (trx) => {
    const task = await trx
      .updateTable('tasks')
      .set({ done_at: new Date(), done_by: userId })
      .where('id', '=', taskId)
      .where('done_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!task) throw new ConflictError(`task ${taskId} is done already or does not exist`);
    await trx
      .insertInto('outbox')
      .values({ aggregate_type: 'task', aggregate_id: task.id, event_type: 'task.completed', payload: JSON.stringify({ ...task, doneBy: userId }) })
      .execute();
    return task;
  });
}

// expect: operation
export async function assignTask(taskId: string, assigneeId: string | null): Promise<void> {
  const result = await db.updateTable('tasks').set({ assignee_id: assigneeId }).where('id', '=', taskId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`task ${taskId} not found`);
}
