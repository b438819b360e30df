import type { BrokerMessage, EventBroker } from '../broker/broker.js';
import type { ConnectionManager } from '../websocket/manager.js';
import { toWebSocketEventType } from '../websocket/events.js';
import type { WebhookManager } from '../webhooks/manager.js';

export interface EventDispatchTargets {
  ws: ConnectionManager;
  webhooks: WebhookManager;
}

/**
 * The last legs of the seed's real-time flow (relay → broker → subscribers): every event is pushed to the WebSocket
 * clients of its organisation and recorded as webhook deliveries for the organisation's matching subscriptions.
 * Both legs are attempted; if either fails the dispatch fails, so the broker delivers the event again — webhook
 * deliveries are unique per event, and WebSocket clients drop repeats by `eventId`.
 */
export async function dispatchEvent(message: BrokerMessage, targets: EventDispatchTargets): Promise<void> {
  const outcomes = await Promise.allSettled([pushToWebSocket(message, targets.ws), targets.webhooks.enqueueEvent(message)]);
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (errors.length > 0) throw new AggregateError(errors, `dispatch of ${message.eventType} ${message.eventId} failed`);
}

/** Subscribes the dispatch to the broker; returns the unsubscribe. */
export function wireEventDispatch(broker: EventBroker, targets: EventDispatchTargets): () => void {
  return broker.subscribe((message) => dispatchEvent(message, targets));
}

async function pushToWebSocket(message: BrokerMessage, ws: ConnectionManager): Promise<void> {
  // Only an organisation's own members may see its events; an event without one has no audience to push to.
  if (!message.organizationId) return;
  await ws.broadcastToOrganization(message.organizationId, {
    type: toWebSocketEventType(message.eventType),
    eventId: message.eventId,
    data: {
      eventType: message.eventType,
      aggregateType: message.aggregateType,
      aggregateId: message.aggregateId,
      occurredAt: message.occurredAt,
      payload: message.payload,
    },
  });
}
