/**
 * The WebSocket event types of the seed's `ConnectionManager`. Every message on the wire is `{ type, ... }` with one
 * of these as `type`; the values equal the names so a client can switch on the string it reads.
 */
export const WebSocketEventType = {
  // Connection lifecycle and protocol.
  CONNECT: 'CONNECT',
  DISCONNECT: 'DISCONNECT',
  SUBSCRIBE: 'SUBSCRIBE',
  UNSUBSCRIBE: 'UNSUBSCRIBE',
  MESSAGE: 'MESSAGE',
  BROADCAST: 'BROADCAST',
  HEARTBEAT: 'HEARTBEAT',
  PONG: 'PONG',
  ERROR: 'ERROR',
  // Trading.
  TRADE_UPDATE: 'TRADE_UPDATE',
  PRICE_UPDATE: 'PRICE_UPDATE',
  ORDER_UPDATE: 'ORDER_UPDATE',
  NOTIFICATION: 'NOTIFICATION',
  // Requirements (trade desk).
  REQUIREMENT_CREATED: 'REQUIREMENT_CREATED',
  REQUIREMENT_PUBLISHED: 'REQUIREMENT_PUBLISHED',
  REQUIREMENT_UPDATED: 'REQUIREMENT_UPDATED',
  REQUIREMENT_FULFILLMENT_UPDATED: 'REQUIREMENT_FULFILLMENT_UPDATED',
  REQUIREMENT_FULFILLED: 'REQUIREMENT_FULFILLED',
  REQUIREMENT_CANCELLED: 'REQUIREMENT_CANCELLED',
  REQUIREMENT_AI_ADJUSTED: 'REQUIREMENT_AI_ADJUSTED',
  REQUIREMENT_RISK_ALERT: 'REQUIREMENT_RISK_ALERT',
} as const;

export type WebSocketEventType = (typeof WebSocketEventType)[keyof typeof WebSocketEventType];

const KNOWN = new Set<string>(Object.values(WebSocketEventType));

export function isWebSocketEventType(value: unknown): value is WebSocketEventType {
  return typeof value === 'string' && KNOWN.has(value);
}

/** A message to or from a client. Servers add `timestamp` when they send. */
export interface WebSocketMessage {
  /** One of {@link WebSocketEventType}; free-form strings are allowed for module-specific messages. */
  type: WebSocketEventType | (string & {});
  data?: unknown;
  /** The channel a channel broadcast was sent to, or the channel a SUBSCRIBE/UNSUBSCRIBE is about. */
  channel?: string;
  /** The outbox event behind the message, so a client can drop the duplicates of at-least-once delivery. */
  eventId?: string;
  timestamp?: string;
}

/**
 * Maps an outbox event type to the WebSocket event clients listen for. Modules name events
 * `<module>.<what happened>` (`trade_desk.requirement_published`) or `<aggregate>.<what happened>`
 * (`requirement.published`); both reach REQUIREMENT_PUBLISHED. Anything without a dedicated type is a NOTIFICATION.
 */
export function toWebSocketEventType(eventType: string): WebSocketEventType {
  const segments = eventType
    .trim()
    .toUpperCase()
    .split(/[.:/]+/)
    .filter(Boolean);
  // Try the longest suffix first: 'TRADE_DESK.REQUIREMENT.PUBLISHED' → REQUIREMENT_PUBLISHED before PUBLISHED.
  for (let start = 0; start < segments.length; start++) {
    const candidate = segments.slice(start).join('_').replace(/-/g, '_');
    if (KNOWN.has(candidate) && !PROTOCOL_TYPES.has(candidate)) return candidate as WebSocketEventType;
  }
  // No dedicated type: fall back on the aggregate's family ('trade.executed', 'orders.order_filled').
  const last = segments.at(-1) ?? '';
  const aggregates = [segments.at(-2), last.split(/[_-]/)[0]];
  for (const aggregate of aggregates) {
    const family = aggregate ? FAMILY_BY_AGGREGATE[aggregate.replace(/S$/, '')] : undefined;
    if (family) return family;
  }
  return WebSocketEventType.NOTIFICATION;
}

/** Protocol messages are never produced by business events, whatever an event happens to be called. */
const PROTOCOL_TYPES = new Set<string>([
  WebSocketEventType.CONNECT,
  WebSocketEventType.DISCONNECT,
  WebSocketEventType.SUBSCRIBE,
  WebSocketEventType.UNSUBSCRIBE,
  WebSocketEventType.HEARTBEAT,
  WebSocketEventType.PONG,
  WebSocketEventType.ERROR,
]);

const FAMILY_BY_AGGREGATE: Record<string, WebSocketEventType> = {
  TRADE: WebSocketEventType.TRADE_UPDATE,
  PRICE: WebSocketEventType.PRICE_UPDATE,
  ORDER: WebSocketEventType.ORDER_UPDATE,
  REQUIREMENT: WebSocketEventType.REQUIREMENT_UPDATED,
};
