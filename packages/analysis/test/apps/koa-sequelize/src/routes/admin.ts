import Router from '@koa/router';
import { QueryTypes } from 'sequelize';
import { search } from '../clients.js';
import { sequelize } from '../db.js';
import { Group } from '../models/group.js';

export const adminRouter = new Router();
adminRouter.prefix('/admin');

adminRouter.get('/stats', async (ctx) => {
  // expect: router-db-call
  const [row] = await sequelize.query<{ groups: number; members: number }>('SELECT count(DISTINCT g.id)::int AS groups, count(m.id)::int AS members FROM groups g LEFT JOIN memberships m ON m."groupId" = g.id WHERE g."deletedAt" IS NULL', { type: QueryTypes.SELECT });
  ctx.body = row;
});

adminRouter.delete('/search/groups', async (ctx) => {
  // expect: none — an Elasticsearch index delete, not the database
  await search.indices.delete({ index: 'groups', ignore_unavailable: true });
  ctx.status = 202;
});

// expect: operation event=no — restores a soft-deleted group from the route
adminRouter.post('/groups/:id/restore', async (ctx) => {
  // expect: router-db-call
  const group = await Group.findByPk(ctx.params.id, { paranoid: false });
  ctx.assert(group, 404, 'group not found');
  // expect: router-db-call
  await group.restore();
  ctx.body = group;
});
