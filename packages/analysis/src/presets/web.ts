import type { Preset } from './types.js';

const EXT = '{ts,mts,cts,js,mjs,cjs}';
const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'all'];

/** Fastify: `app.post(path, { schema }, handler)`, `app.route({ method, url, handler })`, `register(fn, { prefix })`. */
export const fastify: Preset = {
  name: 'fastify',
  kind: 'web',
  description: 'Fastify: app.<verb>(path, [options], handler), app.route({ method, url, handler }), register(plugin, { prefix })',
  enablers: ['fastify'],
  web: { routeMethods: VERBS, prefixes: true },
};

/** Express and `express.Router()`: `router.post(path, ...middleware, handler)`. */
export const express: Preset = {
  name: 'express',
  kind: 'web',
  description: 'Express: app / router.<verb>(path, ...middleware, handler), handlers exported from controller files',
  enablers: ['express'],
  web: { routeMethods: VERBS, routerNames: ['app', 'router', 'routes', 'api'] },
};

/** Koa with @koa/router: `router.post(path, handler)`, `router.del(…)`, `new Router({ prefix })`, `router.prefix()`. */
export const koa: Preset = {
  name: 'koa',
  kind: 'web',
  description: "Koa with @koa/router: router.<verb>(path, handler), router.del, new Router({ prefix }) and router.prefix('/x')",
  enablers: ['koa', '@koa/router', 'koa-router'],
  web: { routeMethods: [...VERBS, 'del'], routerNames: ['router'], prefixes: true },
};

/** NestJS: `@Controller` / `@Resolver` classes; their `@Post`/`@Put`/`@Patch`/`@Delete`/`@Mutation` methods are routes. */
export const nestjs: Preset = {
  name: 'nestjs',
  kind: 'web',
  description: 'NestJS: @Controller / @Resolver classes and their @Get / @Post / @Put / @Patch / @Delete / @Mutation methods; @Injectable providers are not HTTP',
  enablers: ['@nestjs/core', '@nestjs/common'],
  routerFiles: [`**/*.resolver.${EXT}`],
  web: {
    controllerDecorators: ['Controller', 'Resolver'],
    routeDecorators: {
      Get: 'GET', Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE', All: 'ALL', Head: 'HEAD', Options: 'OPTIONS',
      Mutation: 'MUTATION', Query: 'QUERY', Subscription: 'SUBSCRIPTION', MessagePattern: 'MESSAGE', EventPattern: 'EVENT',
    },
    serviceDecorators: ['Injectable', 'Processor'],
  },
};

/** Route files that export their handlers: Next.js App Router (`app/**\/route.ts`), pages/api, SvelteKit `+server.ts`. */
export const routeHandlers: Preset = {
  name: 'route-handlers',
  kind: 'web',
  description: 'Route files exporting their handlers: export async function POST(request) / export const DELETE = … (Next.js app/**/route.ts, pages/api, SvelteKit +server.ts)',
  enablers: ['next', '@sveltejs/kit'],
  routerFiles: [`**/app/**/route.${EXT}`, `**/pages/api/**/*.${EXT}`, `**/+server.${EXT}`],
  web: { exportedHandlers: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
};

/** Hono: `app.post(path, handler)`, `new Hono().basePath('/api')`. */
export const hono: Preset = {
  name: 'hono',
  kind: 'web',
  description: "Hono: app.<verb>(path, handler), new Hono().basePath('/api')",
  enablers: ['hono'],
  web: { routeMethods: VERBS, routerNames: ['app', 'api', 'router'], prefixes: true },
};

/** tRPC: `publicProcedure.input(schema).mutation(async ({ ctx, input }) => …)` in a router object. */
export const trpc: Preset = {
  name: 'trpc',
  kind: 'web',
  description: 'tRPC: <x>Procedure.input(…).mutation / query handlers in router objects, named by their key',
  enablers: ['@trpc/server'],
  routerFiles: [`**/routers/**/*.${EXT}`, `**/*-router/**/*.${EXT}`, `**/*-router.${EXT}`, `**/trpc/**/*.${EXT}`],
  web: { procedures: { methods: ['mutation', 'query', 'subscription'], receiverPattern: 'Procedure$' } },
};
