import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
} from 'sequelize';
import { sequelize } from '../db.js';
import { Group } from './group.js';

export type MembershipRole = 'owner' | 'admin' | 'member';

export class Membership extends Model<InferAttributes<Membership>, InferCreationAttributes<Membership>> {
  declare id: CreationOptional<number>;
  declare groupId: ForeignKey<Group['id']>;
  declare userId: number;
  declare role: MembershipRole;
  declare createdAt: CreationOptional<Date>;
}

Membership.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    userId: { type: DataTypes.INTEGER, allowNull: false },
    role: { type: DataTypes.ENUM('owner', 'admin', 'member'), allowNull: false, defaultValue: 'member' },
    createdAt: DataTypes.DATE,
  },
  { sequelize, tableName: 'memberships', updatedAt: false, indexes: [{ unique: true, fields: ['groupId', 'userId'] }] },
);

Group.hasMany(Membership, { foreignKey: 'groupId' });
Membership.belongsTo(Group, { foreignKey: 'groupId' });
