import { z } from 'zod';
import { db } from '@/lib/db';
import { errorResponse } from '@/lib/errors';
import { updateProject } from '@/lib/services/projects';

type Context = { params: Promise<{ id: string }> };

const ProjectPatchSchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  description: z.string().max(2_000).optional(),
});

export async function GET(_request: Request, { params }: Context) {
  const { id } = await params;
  // expect: router-db-call
  const project = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  if (!project) return Response.json({ error: 'not found' }, { status: 404 });
  return Response.json(project);
}

export async function PATCH(request: Request, { params }: Context) {
  const { id } = await params;
  const parsed = ProjectPatchSchema.safeParse(await request.json());
  if (!parsed.success) return Response.json({ error: parsed.error.flatten() }, { status: 400 });
  try {
    // expect: none — a trailing comment that names db.updateTable() is not a call
    return Response.json(await updateProject(id, parsed.data)); // updateProject runs db.updateTable(...) itself
  } catch (error) {
    return errorResponse(error);
  }
}

// expect: operation idempotency=no event=no — deletes straight from the route handler
export const DELETE = async (_request: Request, { params }: Context) => {
  const { id } = await params;
  // expect: router-db-call
  const result = await db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) return Response.json({ error: 'not found' }, { status: 404 });
  // expect: none — an HTTP DELETE to the search service, not the database
  await fetch(`${process.env.SEARCH_URL}/projects/_doc/${encodeURIComponent(id)}`, { method: 'DELETE' });
  return new Response(null, { status: 204 });
};
