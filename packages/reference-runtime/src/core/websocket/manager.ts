import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { PubSub } from '../redis/pubsub.js';
import { channelDenial, isValidIdentifier, type ClientIdentity } from './channels.js';
import { WebSocketEventType, type WebSocketMessage } from './events.js';

export type { WebSocketMessage } from './events.js';

/** The subprotocol a browser offers, followed by its access token, to authenticate (see `core/auth/websocket.ts`). */
export const BEARER_PROTOCOL = 'bearer';
export type { ClientIdentity } from './channels.js';

export interface ConnectionManagerOptions {
  /** Cross-node fan-out; without it a broadcast reaches this node's clients only. */
  pubsub?: PubSub;
  /** The pub/sub channel the nodes share (one per deployment). */
  fanOutChannel?: string;
  nodeId?: string;
  /** How often peers are pinged; one that has not answered the previous ping is dropped. 0 turns it off. */
  heartbeatIntervalMs?: number;
  /**
   * How often an attached connection's credentials are checked again (the `authenticate` of `attach`, re-run on the
   * upgrade request): a connection whose session has ended — logged out, expired, the user disabled or moved to another
   * organisation — is closed with 1008. 0 checks on connect only.
   */
  sessionRecheckMs?: number;
  /** A client whose unsent backlog exceeds this is disconnected rather than buffered for without bound. */
  maxBufferedBytes?: number;
  /** Largest frame a client may send. */
  maxPayloadBytes?: number;
  maxChannelsPerConnection?: number;
  onError?: (error: unknown, context: string) => void;
}

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly identity: ClientIdentity;
  readonly channels: Set<string>;
  alive: boolean;
}

type Audience =
  | { kind: 'user'; userId: string }
  | { kind: 'channel'; channel: string }
  | { kind: 'organization'; organizationId: string };

/** What travels between nodes: the message once, and who it is for. */
interface FanOutEnvelope {
  origin: string;
  audience: Audience;
  message: WebSocketMessage;
}

/**
 * Decides who an upgrade request is: an identity, or the reason it is refused (answered 401). Called before the
 * upgrade completes, so a refused client never gets a socket.
 */
export type WebSocketAuthenticator = (request: IncomingMessage, url: URL) => Promise<ClientIdentity | string> | ClientIdentity | string;

export interface AttachOptions {
  /** The URL path that upgrades to a WebSocket. */
  path?: string;
  /** Who the client is. Required: a manager never takes a client's word for its identity unless told to. */
  authenticate: WebSocketAuthenticator;
}

/**
 * The seed's WebSocket `ConnectionManager`: live connections per user, channel subscriptions, and personal, channel
 * and organisation-wide sends. Every send is delivered to this node's clients at once and published to the other
 * nodes over pub/sub, which deliver it to theirs (a node ignores its own publications).
 */
export class ConnectionManager {
  readonly nodeId: string;
  /** user id → connection id → connection (a user may have several tabs or devices). */
  private readonly activeConnections = new Map<string, Map<string, Connection>>();
  private readonly connections = new Map<string, Connection>();
  private readonly channelSubscriptions = new Map<string, Set<Connection>>();
  private readonly organizations = new Map<string, Set<Connection>>();

  private readonly pubsub: PubSub | undefined;
  private readonly fanOutChannel: string;
  private readonly heartbeatIntervalMs: number;
  private readonly sessionRecheckMs: number;
  /** connection id → whether its credentials still name the identity it connected as. */
  private readonly rechecks = new Map<string, () => Promise<boolean>>();
  private recheckTimer: NodeJS.Timeout | undefined;
  /** Authentications still running (at upgrade and rechecks): `close()` waits for them, so none outlives the manager. */
  private readonly pendingChecks = new Set<Promise<unknown>>();
  /** Connections whose recheck is running. */
  private readonly checking = new Set<string>();
  private readonly maxBufferedBytes: number;
  private readonly maxPayloadBytes: number;
  private readonly maxChannels: number;
  private readonly onError: (error: unknown, context: string) => void;

  private heartbeat: NodeJS.Timeout | undefined;
  private readonly fanOutReady: Promise<(() => Promise<void>) | undefined>;
  private server: WebSocketServer | undefined;
  private detachUpgrade: (() => void) | undefined;
  private closed = false;

  constructor(options: ConnectionManagerOptions = {}) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.pubsub = options.pubsub;
    this.fanOutChannel = options.fanOutChannel ?? 'ws:fanout';
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
    this.sessionRecheckMs = options.sessionRecheckMs ?? 60_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
    this.maxChannels = options.maxChannelsPerConnection ?? 100;
    this.onError = options.onError ?? (() => undefined);
    this.fanOutReady = this.pubsub
      ? this.pubsub.subscribe(this.fanOutChannel, (raw) => this.receiveFanOut(raw))
      : Promise.resolve(undefined);
    // Surface a failed subscription through ready(), not as an unhandled rejection.
    this.fanOutReady.catch(() => undefined);
  }

  /** Resolves when cross-node fan-out is live (at once without pub/sub). */
  async ready(): Promise<void> {
    await this.fanOutReady;
  }

  // ---- connection lifecycle ----------------------------------------------------------------------------------

  /** Registers an open socket for `identity` and returns its connection id. */
  connect(socket: WebSocket, identity: ClientIdentity): string {
    if (this.closed) throw new Error('ConnectionManager is closed');
    const connection: Connection = { id: randomUUID(), socket, identity, channels: new Set(), alive: true };
    this.connections.set(connection.id, connection);
    addTo(this.activeConnections, identity.userId, () => new Map()).set(connection.id, connection);
    if (identity.organizationId !== null) addTo(this.organizations, identity.organizationId, () => new Set()).add(connection);

    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => this.disconnect(connection.id));
    // 'close' follows every 'error'; without a listener the error would crash the process.
    socket.on('error', (error) => this.onError(error, `connection ${connection.id}`));

    this.startHeartbeat();
    this.send(connection, {
      type: WebSocketEventType.CONNECT,
      data: { connectionId: connection.id, userId: identity.userId, organizationId: identity.organizationId },
    });
    return connection.id;
  }

  /** Forgets a connection and its subscriptions, closing the socket if it is still open. Idempotent. */
  disconnect(connectionId: string, code = 1000, reason = ''): void {
    const connection = this.connections.get(connectionId);
    if (!connection) return;
    this.connections.delete(connectionId);
    this.rechecks.delete(connectionId);
    if (this.rechecks.size === 0 && this.recheckTimer) {
      clearInterval(this.recheckTimer);
      this.recheckTimer = undefined;
    }
    for (const channel of connection.channels) removeFrom(this.channelSubscriptions, channel, connection);
    connection.channels.clear();
    if (connection.identity.organizationId !== null) removeFrom(this.organizations, connection.identity.organizationId, connection);
    const userConnections = this.activeConnections.get(connection.identity.userId);
    userConnections?.delete(connectionId);
    if (userConnections?.size === 0) this.activeConnections.delete(connection.identity.userId);
    const { socket } = connection;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
    if (this.connections.size === 0) this.stopHeartbeat();
  }

  // ---- subscriptions --------------------------------------------------------------------------------------

  /** Subscribes a connection to a channel it is allowed to read; answers the client with SUBSCRIBE or ERROR. */
  subscribe(connectionId: string, channel: unknown): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    const denial =
      channelDenial(connection.identity, channel) ??
      (connection.channels.size >= this.maxChannels && !connection.channels.has(channel as string)
        ? `at most ${this.maxChannels} channels per connection`
        : undefined);
    if (denial !== undefined) {
      this.send(connection, { type: WebSocketEventType.ERROR, data: { code: 'subscribe_denied', message: denial, channel } });
      return false;
    }
    const name = channel as string;
    connection.channels.add(name);
    addTo(this.channelSubscriptions, name, () => new Set()).add(connection);
    this.send(connection, { type: WebSocketEventType.SUBSCRIBE, channel: name, data: { channel: name } });
    return true;
  }

  unsubscribe(connectionId: string, channel: string): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection?.channels.delete(channel)) return false;
    removeFrom(this.channelSubscriptions, channel, connection);
    this.send(connection, { type: WebSocketEventType.UNSUBSCRIBE, channel, data: { channel } });
    return true;
  }

  // ---- sending (the API the modules use) ----------------------------------------------------------------------

  async sendPersonalMessage(userId: string, message: WebSocketMessage): Promise<void> {
    await this.dispatch({ kind: 'user', userId }, message);
  }

  async broadcastToChannel(channel: string, message: WebSocketMessage): Promise<void> {
    await this.dispatch({ kind: 'channel', channel }, { ...message, channel });
  }

  async broadcastToOrganization(organizationId: string, message: WebSocketMessage): Promise<void> {
    await this.dispatch({ kind: 'organization', organizationId }, message);
  }

  // ---- introspection ----------------------------------------------------------------------------------------

  get connectionCount(): number {
    return this.connections.size;
  }

  userConnectionIds(userId: string): string[] {
    return [...(this.activeConnections.get(userId)?.keys() ?? [])];
  }

  channelSubscriberCount(channel: string): number {
    return this.channelSubscriptions.get(channel)?.size ?? 0;
  }

  channelsOf(connectionId: string): string[] {
    return [...(this.connections.get(connectionId)?.channels ?? [])];
  }

  // ---- HTTP upgrade -----------------------------------------------------------------------------------------

  /**
   * Serves WebSockets on `path` of an HTTP server (Fastify's `app.server`). `authenticate` decides who each client is
   * before the upgrade (the runtime verifies the session token; see `core/auth/websocket.ts`).
   */
  attach(server: Server, options: AttachOptions): () => void {
    if (this.detachUpgrade) throw new Error('ConnectionManager is already attached to a server');
    const path = options.path ?? '/ws';
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.maxPayloadBytes,
      // Browsers cannot set headers on a WebSocket, so they offer `bearer, <token>` as subprotocols; the server
      // answers with `bearer` alone (never echoing the token), as the handshake requires one of those offered.
      handleProtocols: (protocols) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false),
    });
    this.server = wss;

    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== path) {
        // Another listener may serve this path; answer only when nobody else will.
        if (server.listenerCount('upgrade') === 1) rejectUpgrade(socket, 404, `no WebSocket endpoint at ${url.pathname}`);
        return;
      }
      if (this.closed) return rejectUpgrade(socket, 503, 'server is shutting down');
      // The socket may error while the authenticator waits (a client that gives up); without a listener that would crash.
      const onEarlyError = () => socket.destroy();
      socket.on('error', onEarlyError);
      this.track(Promise.resolve().then(() => options.authenticate(request, url)))
        .then(
          (identity) => {
            socket.off('error', onEarlyError);
            if (socket.destroyed) return;
            if (typeof identity === 'string') return rejectUpgrade(socket, 401, identity);
            if (this.closed) return rejectUpgrade(socket, 503, 'server is shutting down');
            wss.handleUpgrade(request, socket, head, (ws) => {
              if (this.closed) return ws.close(1001, 'server is shutting down');
              const id = this.connect(ws, identity);
              this.watchSession(id, async () => {
                const again = await options.authenticate(request, url);
                return typeof again !== 'string' && again.userId === identity.userId && again.organizationId === identity.organizationId;
              });
            });
          },
          (error: unknown) => {
            socket.off('error', onEarlyError);
            this.onError(error, 'WebSocket authentication');
            if (!socket.destroyed) rejectUpgrade(socket, 503, 'authentication is unavailable');
          },
        );
    };
    server.on('upgrade', onUpgrade);
    this.detachUpgrade = () => server.off('upgrade', onUpgrade);
    return () => {
      this.detachUpgrade?.();
      this.detachUpgrade = undefined;
    };
  }

  /** Closes every connection (1001, going away), stops fan-out and the heartbeat. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopHeartbeat();
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
    this.detachUpgrade?.();
    this.detachUpgrade = undefined;
    for (const id of [...this.connections.keys()]) this.disconnect(id, 1001, 'server is shutting down');
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // A check still querying the database would otherwise outlive the runtime (and race whoever drops its schema).
    await Promise.allSettled([...this.pendingChecks]);
    const unsubscribe = await this.fanOutReady.catch(() => undefined);
    await unsubscribe?.();
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private async dispatch(audience: Audience, message: WebSocketMessage): Promise<void> {
    const stamped: WebSocketMessage = { ...message, timestamp: message.timestamp ?? new Date().toISOString() };
    this.deliverLocally(audience, stamped);
    if (this.pubsub && !this.closed) {
      await this.fanOutReady;
      const envelope: FanOutEnvelope = { origin: this.nodeId, audience, message: stamped };
      await this.pubsub.publish(this.fanOutChannel, JSON.stringify(envelope));
    }
  }

  private receiveFanOut(raw: string): void {
    let envelope: FanOutEnvelope;
    try {
      envelope = JSON.parse(raw) as FanOutEnvelope;
    } catch (error) {
      return this.onError(error, 'malformed fan-out message');
    }
    if (envelope.origin === this.nodeId || !envelope.audience || !envelope.message) return;
    this.deliverLocally(envelope.audience, envelope.message);
  }

  private deliverLocally(audience: Audience, message: WebSocketMessage): void {
    const recipients =
      audience.kind === 'user'
        ? this.activeConnections.get(audience.userId)?.values()
        : audience.kind === 'channel'
          ? this.channelSubscriptions.get(audience.channel)?.values()
          : this.organizations.get(audience.organizationId)?.values();
    if (!recipients) return;
    // Serialised once for all recipients; copied first because a slow client is removed while we iterate.
    const frame = JSON.stringify(message);
    for (const connection of [...recipients]) this.sendFrame(connection, frame);
  }

  private send(connection: Connection, message: WebSocketMessage): void {
    this.sendFrame(connection, JSON.stringify({ ...message, timestamp: message.timestamp ?? new Date().toISOString() }));
  }

  private sendFrame(connection: Connection, frame: string): void {
    const { socket } = connection;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount + frame.length > this.maxBufferedBytes) {
      // A client that does not read would otherwise make us buffer every broadcast for it. It can reconnect and
      // re-read state over HTTP; the others are unaffected.
      socket.terminate();
      this.disconnect(connection.id);
      return;
    }
    socket.send(frame, (error) => error && this.onError(error, `send to ${connection.id}`));
  }

  private receive(connection: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) return this.replyError(connection, 'bad_message', 'messages must be JSON text');
    let message: { type?: unknown; channel?: unknown };
    try {
      message = JSON.parse(rawToString(data)) as typeof message;
    } catch {
      return this.replyError(connection, 'bad_message', 'message is not valid JSON');
    }
    if (message === null || typeof message !== 'object') {
      return this.replyError(connection, 'bad_message', 'message must be a JSON object with a "type"');
    }
    connection.alive = true;
    switch (message.type) {
      case WebSocketEventType.SUBSCRIBE:
        this.subscribe(connection.id, message.channel);
        return;
      case WebSocketEventType.UNSUBSCRIBE:
        if (typeof message.channel !== 'string') return this.replyError(connection, 'bad_message', 'UNSUBSCRIBE needs a "channel"');
        if (!this.unsubscribe(connection.id, message.channel)) {
          this.replyError(connection, 'not_subscribed', `not subscribed to ${message.channel}`);
        }
        return;
      case WebSocketEventType.HEARTBEAT:
        this.send(connection, { type: WebSocketEventType.PONG });
        return;
      case WebSocketEventType.PONG:
        return;
      default:
        this.replyError(connection, 'unsupported_type', `unsupported message type ${JSON.stringify(message.type ?? null)}`);
    }
  }

  private track<T>(check: Promise<T>): Promise<T> {
    this.pendingChecks.add(check);
    const forget = () => this.pendingChecks.delete(check);
    check.then(forget, forget);
    return check;
  }

  private replyError(connection: Connection, code: string, message: string): void {
    this.send(connection, { type: WebSocketEventType.ERROR, data: { code, message } });
  }

  /** Re-runs `stillValid` for the connection every `sessionRecheckMs`; closes it (1008) when it says no. */
  private watchSession(connectionId: string, stillValid: () => Promise<boolean>): void {
    if (this.sessionRecheckMs <= 0 || !this.connections.has(connectionId)) return;
    this.rechecks.set(connectionId, stillValid);
    this.recheckTimer ??= setInterval(() => {
      for (const [id, check] of [...this.rechecks]) {
        // One recheck at a time per connection: a slow database does not pile them up.
        if (this.checking.has(id)) continue;
        this.checking.add(id);
        this.track(check().finally(() => this.checking.delete(id))).then(
          (valid) => valid || this.disconnect(id, 1008, 'the session has ended'),
          (error: unknown) => this.onError(error, `session recheck of ${id}`),
        );
      }
    }, this.sessionRecheckMs);
    this.recheckTimer.unref();
  }

  private startHeartbeat(): void {
    if (this.heartbeat || this.heartbeatIntervalMs <= 0) return;
    this.heartbeat = setInterval(() => {
      for (const connection of [...this.connections.values()]) {
        if (!connection.alive) {
          // No pong since the last ping: the peer is gone without a close frame (a dropped network, a killed tab).
          connection.socket.terminate();
          this.disconnect(connection.id);
          continue;
        }
        connection.alive = false;
        if (connection.socket.readyState === WebSocket.OPEN) connection.socket.ping();
      }
    }, this.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

/**
 * Takes the client at its word: `?userId=&organizationId=` or the `x-user-id` / `x-organization-id` headers. For tests
 * of the manager itself and for trusted networks behind a gateway that has already authenticated the client — never
 * for a server reachable by the clients themselves (the runtime authenticates with the session token instead).
 */
export function claimedIdentity(request: IncomingMessage, url: URL): ClientIdentity | string {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const userId = url.searchParams.get('userId') ?? header('x-user-id');
  const organizationId = url.searchParams.get('organizationId') ?? header('x-organization-id');
  if (!isValidIdentifier(userId)) return 'userId is required (query ?userId= or header x-user-id)';
  if (!isValidIdentifier(organizationId)) {
    return 'organizationId is required (query ?organizationId= or header x-organization-id)';
  }
  return { userId, organizationId };
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = { 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    () => socket.destroy(),
  );
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function addTo<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
