import { Sequelize } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL ?? 'postgres://localhost:5432/groups', {
  dialect: 'postgres',
  logging: false,
  pool: { max: 10, idle: 10_000 },
});
