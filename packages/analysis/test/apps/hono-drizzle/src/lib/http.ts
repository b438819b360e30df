import { z } from 'zod';

export type AppEnv = {
  Variables: {
    jwtPayload: { sub: number; role: 'reader' | 'author' | 'moderator' };
  };
};

export const idParam = z.object({ id: z.coerce.number().int().positive() });

export const createPostSchema = z.object({
  title: z.string().min(1).max(200),
  body: z.string().min(1),
});
export type CreatePostInput = z.infer<typeof createPostSchema>;

export const updatePostSchema = createPostSchema.partial().refine((v) => Object.keys(v).length > 0, 'nothing to update');
export type UpdatePostInput = z.infer<typeof updatePostSchema>;

export const commentSchema = z.object({ body: z.string().min(1).max(5_000) });
export const reactionSchema = z.object({ kind: z.enum(['like', 'love', 'laugh']) });
export const hideSchema = z.object({ reason: z.string().min(3) });
