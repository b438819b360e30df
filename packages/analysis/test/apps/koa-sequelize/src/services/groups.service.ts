import { z } from 'zod';
import { groupEvents } from '../clients.js';
import { sequelize } from '../db.js';
import { Group } from '../models/group.js';
import { Membership } from '../models/membership.js';
import { OutboxMessage } from '../models/outbox.js';

export const NewGroupSchema = z.object({ name: z.string().trim().min(2).max(120) });
export const TransferSchema = z.object({ toUserId: z.number().int().positive() });

export type NewGroup = z.infer<typeof NewGroupSchema>;

export class NotFoundError extends Error {
  readonly status = 404;
}

// expect: none — a read through a model static: not an operation
export async function listGroups(page: number): Promise<Group[]> {
  return Group.findAll({ order: [['createdAt', 'DESC']], limit: 20, offset: (page - 1) * 20 });
}

// expect: operation idempotency=no event=yes commit=yes — a managed transaction; the outbox row is created with { transaction: t }
export async function createGroup(input: NewGroup, ownerId: number): Promise<Group> {
  return sequelize.transaction(async (t) => {
    const group = await Group.create({ name: input.name, ownerId, memberCount: 1 }, { transaction: t });
    await Membership.create({ groupId: group.id, userId: ownerId, role: 'owner' }, { transaction: t });
    await OutboxMessage.create(
      {
        aggregateType: 'group',
        aggregateId: String(group.id),
        type: 'group.created',
        payload: { id: group.id, name: group.name, ownerId },
      },
      { transaction: t },
    );
    return group;
  });
}

// expect: operation idempotency=no event=no commit=yes — an unmanaged transaction, then a bus publish after the commit
export async function transferOwnership(groupId: number, fromUserId: number, toUserId: number): Promise<void> {
  const t = await sequelize.transaction();
  try {
    const [demoted] = await Membership.update(
      { role: 'member' },
      { where: { groupId, userId: fromUserId, role: 'owner' }, transaction: t },
    );
    if (demoted === 0) throw new NotFoundError(`user ${fromUserId} does not own group ${groupId}`);
    await Membership.update({ role: 'owner' }, { where: { groupId, userId: toUserId }, transaction: t });
    await Group.update({ ownerId: toUserId }, { where: { id: groupId }, transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
  // expect: none — an in-process bus publish after the commit: a dual write, not an outbox event
  groupEvents.emit('group.ownership-transferred', { groupId, fromUserId, toUserId });
}

// expect: operation event=no
export async function renameGroup(id: number, name: string): Promise<Group> {
  const group = await Group.findByPk(id);
  if (!group) throw new NotFoundError(`group ${id} not found`);
  group.name = name;
  await group.save();
  return group;
}

// expect: operation
export async function joinGroup(groupId: number, userId: number): Promise<void> {
  const group = await Group.findByPk(groupId, { rejectOnEmpty: true });
  await Membership.create({ groupId, userId, role: 'member' });
  await group.increment('memberCount');
}

// expect: operation
export async function archiveGroup(id: number): Promise<void> {
  const group = await Group.findByPk(id);
  if (!group) throw new NotFoundError(`group ${id} not found`);
  await group.destroy();
}
