import Router from '@koa/router';
import { cache } from '../clients.js';
import { Group } from '../models/group.js';
import { Membership } from '../models/membership.js';
import { createGroup, joinGroup, listGroups, NewGroupSchema, renameGroup, TransferSchema, transferOwnership, } from '../services/groups.service.js';
import { MembershipService } from '../services/membership.service.js';
export const groupsRouter = new Router({ prefix: '/api' });
const memberships = new MembershipService();
groupsRouter.get('/groups', async (ctx) => {
    const page = Math.max(1, Number(ctx.query.page ?? 1));
    ctx.body = await cache.get(`groups:page:${page}`, () => listGroups(page));
});
groupsRouter.post('/groups', async (ctx) => {
    const input = NewGroupSchema.parse(ctx.request.body);
    ctx.status = 201;
    ctx.body = await createGroup(input, ctx.state.user.id);
});
groupsRouter.get('/groups/:id', async (ctx) => {
    const group = await Group.findByPk(ctx.params.id, { include: [Membership] });
    ctx.assert(group, 404, 'group not found');
    const owner = group.Memberships?.find((membership) => membership.role === 'owner');
    ctx.body = { ...group.toJSON(), owner: owner?.userId };
});
groupsRouter.patch('/groups/:id', async (ctx) => {
    const { name } = NewGroupSchema.parse(ctx.request.body);
    ctx.body = await renameGroup(Number(ctx.params.id), name);
});
groupsRouter.post('/groups/:id/owner', async (ctx) => {
    const { toUserId } = TransferSchema.parse(ctx.request.body);
    await transferOwnership(Number(ctx.params.id), ctx.state.user.id, toUserId);
    ctx.status = 204;
});
groupsRouter.post('/groups/:id/members', async (ctx) => {
    await joinGroup(Number(ctx.params.id), ctx.state.user.id);
    ctx.status = 204;
});
groupsRouter.delete('/groups/:id/members/me', async (ctx) => {
    await memberships.leave(Number(ctx.params.id), ctx.state.user.id);
    ctx.status = 204;
});
groupsRouter.delete('/groups/:id', async (ctx) => {
    const removed = await Group.destroy({ where: { id: ctx.params.id, ownerId: ctx.state.user.id } });
    ctx.assert(removed > 0, 404, 'DELETE matched no group you own');
    await cache.del(`group:${ctx.params.id}`);
    ctx.status = 204;
});
//# sourceMappingURL=groups.js.map
