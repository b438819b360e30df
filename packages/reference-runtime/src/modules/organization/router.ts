import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';

export function registerOrganizationRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
