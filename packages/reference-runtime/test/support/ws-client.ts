import { WebSocket, type ClientOptions } from 'ws';
import type { WebSocketMessage } from '../../src/core/websocket/events.js';
import { PATIENCE_MS } from './servers.js';

/** A real `ws` client that keeps what it receives, for tests to wait on. */
export class TestWebSocketClient {
  readonly received: WebSocketMessage[] = [];
  private readonly waiters = new Set<() => void>();
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as WebSocketMessage);
      for (const wake of [...this.waiters]) wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Connects and waits for the server's CONNECT message. */
  static async connect(url: string, options: ClientOptions = {}, protocols?: string[]): Promise<TestWebSocketClient> {
    const socket = protocols ? new WebSocket(url, protocols, options) : new WebSocket(url, options);
    const client = new TestWebSocketClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode })),
      );
    });
    await client.next((m) => m.type === 'CONNECT');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  ofType(type: string): WebSocketMessage[] {
    return this.received.filter((m) => m.type === type);
  }

  /** The first received message matching `match` (also one received earlier), waiting at most `timeoutMs`. */
  next(match: (message: WebSocketMessage) => boolean, timeoutMs = PATIENCE_MS): Promise<WebSocketMessage> {
    return this.until(() => this.received.find(match), `a matching message (got ${JSON.stringify(this.received.map((m) => m.type))})`, timeoutMs);
  }

  waitForClose(timeoutMs = PATIENCE_MS): Promise<number> {
    return this.until(() => this.closeCode, 'the socket to close', timeoutMs);
  }

  private until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.waitForClose().catch(() => this.socket.terminate());
  }
}
