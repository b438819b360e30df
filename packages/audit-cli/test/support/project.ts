import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes a small project into a fresh temporary folder: `{ 'src/a.ts': '...' }`. */
export function makeProject(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-audit-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
/** The shipped CLI, built by the project's globalSetup (test/support/build.ts). */
const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** Runs `outbox-audit` from source in a child process, as a user would run the built one. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return runNode(['--conditions=source', '--import', 'tsx', CLI, ...args], options);
}

/**
 * Runs the built `outbox-audit` (dist/cli.js) in a child process: for what only the build has, such as the compiled
 * worker that --workers starts (from src/ the audit has no worker file to start and analyses in one thread).
 */
export function runBuiltCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return runNode([BUILT_CLI, ...args], options);
}

function runNode(args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_STEP_SUMMARY: '', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A service with one compliant operation (store-based idempotency) and one that leaves its commit to the router. */
export const ORDER_SERVICE = `import { OutboxRepository } from '../../core/outbox';

export class OrderService {
  private readonly outbox: OutboxRepository;

  constructor(private readonly db: Db, private readonly idempotency: IdempotencyStore) {
    this.outbox = new OutboxRepository(db);
  }

  async placeOrder(input: { sku: string }, idempotencyKey: string) {
    const claim = await this.idempotency.begin('orders', idempotencyKey);
    if (claim.state !== 'claimed') return claim.body;
    const { rows } = await this.db.execute('INSERT INTO orders (sku) VALUES ($1) RETURNING id', [input.sku]);
    await this.outbox.addEvent({ eventType: 'orders.placed', payload: rows[0] });
    await this.db.commit();
    return rows[0];
  }

  async cancelOrder(id: string) {
    await this.db.execute('UPDATE orders SET status = $2 WHERE id = $1', [id, 'cancelled']);
  }

  async listOrders() {
    return (await this.db.execute('SELECT * FROM orders')).rows;
  }
}
`;

export const ORDER_ROUTER = `export function registerOrderRoutes(app: App) {
  app.post('/orders', async (request) => {
    return new OrderService(request.db, store).placeOrder(request.body, request.headers['idempotency-key']);
  });

  app.post('/orders/:id/cancel', async (request) => {
    await new OrderService(request.db, store).cancelOrder(request.params.id);
    await request.db.commit();
    return { ok: true };
  });
}
`;
