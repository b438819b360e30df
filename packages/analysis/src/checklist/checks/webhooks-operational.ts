import type { Check } from '../check.js';
import { managerOperational } from './manager-operational.js';

export const webhooksOperational: Check = {
  id: 'webhooks-operational',
  title: 'Webhook system operational',
  requires: 'The webhook manager class (checklist.webhookManagerClass) has its methods (checklist.webhookManagerMethods) and code outside the tests imports it.',
  remediation: 'Implement the webhook manager (subscriptions, signed deliveries, retries, a dead-letter queue) and wire it into the event relay; or name yours in checklist.webhookManagerClass.',
  run: (context) => managerOperational(context.settings.webhookManagerClass, context.settings.webhookManagerMethods, context),
};
