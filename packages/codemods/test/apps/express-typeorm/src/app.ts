import express, { type ErrorRequestHandler } from 'express';
import { DataSource } from 'typeorm';
import { ProjectEntity } from './projects/project.entity.js';
import { projectsRouter } from './routes/projects.routes.js';

/** The app's DataSource: PostgreSQL, its schema from migrations/*.sql (never synchronised). */
export function createDataSource(url: string): DataSource {
  return new DataSource({ type: 'postgres', url, entities: [ProjectEntity], synchronize: false, poolSize: 4 });
}

export function createApp(dataSource: DataSource): express.Express {
  const app = express();
  app.use(express.json());
  app.use('/projects', projectsRouter(dataSource));
  const errors: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' ? (error.status as number) : 500;
    res.status(status).json({ error: status === 500 ? 'internal error' : String(error.message) });
  };
  app.use(errors);
  return app;
}
