import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { DeliveryStatus } from './delivery.js';

/**
 * Management of webhook subscriptions and deliveries over HTTP. Infrastructure, not a business operation: the
 * WebhookManager writes with its own database handle, not the request's session. The tenant is the signed-in
 * caller's organisation (the routes' policy, `member`, admits only members of one), never a header.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'webhooks'>): void {
  const { webhooks } = deps;
  const idParam = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  } as const;
  const eventTypes = { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 200 } } as const;
  const orgOf = (request: FastifyRequest): string => {
    const organizationId = request.principal?.organizationId;
    if (!organizationId) throw new Error('webhook routes need a member of an organisation (policy "member")');
    return organizationId;
  };

  app.post<{ Body: { url: string; eventTypes: string[]; description?: string; secret?: string } }>(
    '/webhooks/subscriptions',
    {
      schema: {
        body: {
          type: 'object',
          required: ['url', 'eventTypes'],
          additionalProperties: false,
          properties: {
            url: { type: 'string', minLength: 1, maxLength: 2048 },
            eventTypes,
            description: { type: 'string', maxLength: 500 },
            secret: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const subscription = await webhooks.createSubscription({ organizationId: orgOf(request), ...request.body });
      return reply.status(201).send(subscription);
    },
  );

  app.get('/webhooks/subscriptions', async (request) =>
    webhooks.listSubscriptions(orgOf(request)),
  );

  app.get<{ Params: { id: string } }>('/webhooks/subscriptions/:id', { schema: { params: idParam } }, async (request) =>
    webhooks.getSubscription(orgOf(request), request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { url?: string; eventTypes?: string[]; description?: string | null; active?: boolean } }>(
    '/webhooks/subscriptions/:id',
    {
      schema: {
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            url: { type: 'string', minLength: 1, maxLength: 2048 },
            eventTypes,
            description: { type: ['string', 'null'], maxLength: 500 },
            active: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => webhooks.updateSubscription(orgOf(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/webhooks/subscriptions/:id',
    { schema: { params: idParam } },
    async (request, reply) => {
      await webhooks.deleteSubscription(orgOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/webhooks/subscriptions/:id/rotate-secret',
    { schema: { params: idParam } },
    async (request) => webhooks.rotateSecret(orgOf(request), request.params.id),
  );

  app.get<{ Querystring: { subscriptionId?: string; status?: DeliveryStatus; limit?: string } }>(
    '/webhooks/deliveries',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subscriptionId: { type: 'string', maxLength: 64 },
            status: { type: 'string', enum: Object.values(DeliveryStatus) },
            // Query strings stay strings (the app does not coerce types): 1 to 999.
            limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
          },
        },
      },
    },
    async (request) =>
      webhooks.listDeliveries(orgOf(request), {
        subscriptionId: request.query.subscriptionId,
        status: request.query.status,
        limit: request.query.limit === undefined ? undefined : Number(request.query.limit),
      }),
  );

  app.get<{ Params: { id: string } }>('/webhooks/deliveries/:id', { schema: { params: idParam } }, async (request) => {
    const organizationId = orgOf(request);
    const delivery = await webhooks.getDelivery(organizationId, request.params.id);
    return { ...delivery, attemptLog: await webhooks.deliveryAttempts(organizationId, request.params.id) };
  });

  app.post<{ Params: { id: string } }>(
    '/webhooks/deliveries/:id/replay',
    { schema: { params: idParam } },
    async (request) => webhooks.replayDelivery(orgOf(request), request.params.id),
  );

}
