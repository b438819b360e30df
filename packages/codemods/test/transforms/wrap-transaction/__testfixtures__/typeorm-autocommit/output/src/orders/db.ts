// The slice of TypeORM this fixture uses (the real types come from the `typeorm` package).
export type EntityTarget<T> = new () => T;

export interface Repository<T> {
  readonly manager: EntityManager;
  findOneBy(where: Partial<T>): Promise<T | null>;
  merge(entity: T, ...changes: Partial<T>[]): T;
  save(entity: T): Promise<T>;
}

export interface EntityManager {
  transaction<R>(run: (manager: EntityManager) => Promise<R>): Promise<R>;
  withRepository<R extends Repository<any>>(repository: R): R;
  update<T>(target: EntityTarget<T>, where: Partial<T>, values: Partial<T>): Promise<unknown>;
}
