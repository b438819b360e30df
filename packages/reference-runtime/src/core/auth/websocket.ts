import type { IncomingMessage } from 'node:http';
import type { Database } from '../../db/database.js';
import { BEARER_PROTOCOL, type WebSocketAuthenticator } from '../websocket/manager.js';
import { principalOf } from './principal.js';
import { bearerTokenOf } from './tokens.js';

/**
 * The runtime's WebSocket authentication: the same session token as HTTP, verified on connect. The identity — user
 * and organisation — comes from the session, never from the query string or a header the client fills in, so a
 * client hears its own organisation's broadcasts and can subscribe to its own `org:` and `user:` channels only.
 *
 * The token travels as `Authorization: Bearer <token>` (servers, native apps) or, from a browser, as the subprotocols
 * `bearer, <token>` (`new WebSocket(url, ['bearer', token])`). Never in the URL, which ends up in logs.
 */
export function sessionAuthenticator(database: Database): WebSocketAuthenticator {
  return async (request: IncomingMessage) => {
    const token = bearerTokenOf(request.headers.authorization) ?? protocolToken(request.headers['sec-websocket-protocol']);
    if (!token) return 'authentication required: send Authorization: Bearer <accessToken>, or the subprotocols "bearer, <accessToken>"';
    const principal = await principalOf(database, token);
    if (!principal) return 'the access token is invalid or expired';
    return { userId: principal.userId, organizationId: principal.organizationId };
  };
}

function protocolToken(header: string | undefined): string | undefined {
  const offered = (header ?? '').split(',').map((part) => part.trim());
  const at = offered.indexOf(BEARER_PROTOCOL);
  return at >= 0 ? offered[at + 1] || undefined : undefined;
}
