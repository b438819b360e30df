import amqp from 'amqplib';
import Fastify from 'fastify';
import { DomainError } from './errors.js';
import cachePlugin from './plugins/cache.js';
import knexPlugin from './plugins/knex.js';
import itemRoutes from './routes/items.routes.js';
import orderRoutes from './routes/orders.routes.js';

const fastify = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } });

const broker = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
const channel = await broker.createChannel();
await channel.assertExchange('orders', 'topic', { durable: true });

await fastify.register(knexPlugin, { connection: process.env.DATABASE_URL ?? 'mysql://app@localhost/inventory' });
await fastify.register(cachePlugin, { ttlMs: 30_000 });
await fastify.register(itemRoutes, { prefix: '/v1' });
await fastify.register(orderRoutes, { prefix: '/v1', channel });

fastify.setErrorHandler((error, request, reply) => {
  if (error instanceof DomainError) {
    return reply.code(error.statusCode).send({ message: error.message });
  }
  request.log.error(error);
  return reply.code(error.statusCode ?? 500).send({ message: error.statusCode ? error.message : 'internal error' });
});

fastify.addHook('onClose', async () => {
  await channel.close();
  await broker.close();
});

await fastify.listen({ port: Number(process.env.PORT ?? 3000), host: '0.0.0.0' });
