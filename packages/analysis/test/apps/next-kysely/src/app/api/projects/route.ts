import { z } from 'zod';
import { createProject, listProjects } from '@/lib/services/projects';

const NewProjectSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2_000).optional(),
});

// expect: none — a route segment config export, not a handler
export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  // expect: none — Headers.get reads a request header, not the database
  const ownerId = request.headers.get('x-user-id');
  if (!ownerId) return Response.json({ error: 'unauthenticated' }, { status: 401 });
  return Response.json(await listProjects(ownerId));
}

export async function POST(request: Request) {
  const ownerId = request.headers.get('x-user-id');
  if (!ownerId) return Response.json({ error: 'unauthenticated' }, { status: 401 });
  const parsed = NewProjectSchema.safeParse(await request.json());
  if (!parsed.success) return Response.json({ error: parsed.error.flatten() }, { status: 400 });
  // expect: none — a call into the service layer, not a DB call
  const project = await createProject(parsed.data, ownerId);
  return Response.json(project, { status: 201 });
}
