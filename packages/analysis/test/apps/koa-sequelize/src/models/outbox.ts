import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model } from 'sequelize';
import { sequelize } from '../db.js';

/** One row per domain event, created in the transaction of the change; the relay publishes it and sets publishedAt. */
export class OutboxMessage extends Model<InferAttributes<OutboxMessage>, InferCreationAttributes<OutboxMessage>> {
  declare id: CreationOptional<string>;
  declare aggregateType: string;
  declare aggregateId: string;
  declare type: string;
  declare payload: Record<string, unknown>;
  declare createdAt: CreationOptional<Date>;
  declare publishedAt: CreationOptional<Date | null>;
}

OutboxMessage.init(
  {
    id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
    aggregateType: { type: DataTypes.STRING(64), allowNull: false },
    aggregateId: { type: DataTypes.STRING(64), allowNull: false },
    type: { type: DataTypes.STRING(128), allowNull: false },
    payload: { type: DataTypes.JSONB, allowNull: false },
    createdAt: DataTypes.DATE,
    publishedAt: { type: DataTypes.DATE, allowNull: true },
  },
  { sequelize, tableName: 'outbox', updatedAt: false },
);
