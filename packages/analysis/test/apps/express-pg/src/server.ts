import { app } from './app.js';
import { pool } from './db.js';
import { logger } from './logger.js';

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => logger.info({ port }, 'orders-api listening'));

process.on('SIGTERM', () => {
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
});
