import { PrismaClient } from '@prisma/client';
import { Queue } from 'bullmq';

export const prisma = new PrismaClient();
export const mailQueue = new Queue('mail');

export interface Context {
  user: { id: string; email: string } | null;
  cache: Map<string, unknown>;
}
