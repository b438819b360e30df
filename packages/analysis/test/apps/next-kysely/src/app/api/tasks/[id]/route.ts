import { z } from 'zod';
import { errorResponse } from '@/lib/errors';
import { assignTask, completeTask } from '@/lib/services/tasks';

const TaskPatchSchema = z.union([
  z.object({ done: z.literal(true) }),
  z.object({ assigneeId: z.string().uuid().nullable() }),
]);

export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const userId = request.headers.get('x-user-id');
  if (!userId) return Response.json({ error: 'unauthenticated' }, { status: 401 });
  const parsed = TaskPatchSchema.safeParse(await request.json());
  if (!parsed.success) return Response.json({ error: parsed.error.flatten() }, { status: 400 });
  try {
    if ('done' in parsed.data) return Response.json(await completeTask(id, userId));
    await assignTask(id, parsed.data.assigneeId);
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
