import { z } from 'zod';
import { db } from '@/lib/db';
import { tasksForProject, toSummary } from '@/lib/services/tasks';

const NewTaskSchema = z.object({
  projectId: z.string().uuid(),
  title: z.string().trim().min(1).max(200),
});

export async function GET(request: Request) {
  // expect: none — URLSearchParams.get reads the query string, not the database
  const projectId = new URL(request.url).searchParams.get('projectId');
  if (!projectId) return Response.json({ error: 'projectId is required' }, { status: 400 });
  const tasks = await tasksForProject(projectId);
  return Response.json(tasks.map(toSummary));
}

// expect: operation idempotency=no event=no — inserts straight from the route handler
export async function POST(request: Request) {
  const parsed = NewTaskSchema.safeParse(await request.json());
  if (!parsed.success) return Response.json({ error: parsed.error.flatten() }, { status: 400 });
  // expect: router-db-call
  const task = await db
    .insertInto('tasks')
    .values({ project_id: parsed.data.projectId, title: parsed.data.title })
    .returningAll()
    .executeTakeFirstOrThrow();
  return Response.json(task, { status: 201 });
}
