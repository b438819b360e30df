import express from 'express';
import type { DataSource } from 'typeorm';
import { HttpError } from '../http-errors.js';
import { ProjectService } from '../projects/project.service.js';

function nameOf(body: unknown): string {
  const name = (body as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name.trim() === '') throw new HttpError(400, 'name is required');
  return name;
}

export function projectsRouter(dataSource: DataSource): express.Router {
  const router = express.Router();
  const projects = new ProjectService(dataSource);

  router.get('/:id', async (req, res) => {
    res.json(await projects.get(req.params.id));
  });

  router.post('/', async (req, res) => {
    res.status(201).json(await projects.create(nameOf(req.body)));
  });

  router.patch('/:id', async (req, res) => {
    res.json(await projects.rename(req.params.id, nameOf(req.body)));
  });

  router.post('/:id/archive', async (req, res) => {
    res.json(await projects.archive(req.params.id));
  });

  router.delete('/:id', async (req, res) => {
    await projects.remove(req.params.id);
    res.status(204).end();
  });

  return router;
}
