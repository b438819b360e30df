import { Op } from 'sequelize';
import { Group } from '../models/group.js';
import { Membership, type MembershipRole } from '../models/membership.js';

export class MembershipService {
  // expect: none — a read: not an operation
  async membersOf(groupId: number): Promise<Membership[]> {
    return Membership.findAll({ where: { groupId }, order: [['createdAt', 'ASC']] });
  }

  // expect: operation outbox=no idempotency=no event=no
  async leave(groupId: number, userId: number): Promise<void> {
    const removed = await Membership.destroy({ where: { groupId, userId, role: { [Op.ne]: 'owner' } } });
    if (removed > 0) await Group.decrement('memberCount', { where: { id: groupId } });
  }

  // expect: operation
  async changeRole(groupId: number, userId: number, role: Exclude<MembershipRole, 'owner'>): Promise<Membership> {
    const membership = await Membership.findOne({ where: { groupId, userId }, rejectOnEmpty: true });
    return membership.update({ role });
  }
}
