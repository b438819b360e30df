import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';

export function registerPartnerRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
