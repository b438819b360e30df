import { Queue } from 'bullmq';

/** Jobs for the notification worker (a separate process that sends the e-mails). */
export const notifications = new Queue('notifications', {
  connection: { host: process.env.REDIS_HOST ?? 'localhost', port: Number(process.env.REDIS_PORT ?? 6379) },
  defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } },
});
