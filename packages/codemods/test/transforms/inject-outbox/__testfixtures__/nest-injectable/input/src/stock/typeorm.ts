// The slice of TypeORM this fixture uses (the real types come from the typeorm package).
export interface EntityManager {
  query(query: string, parameters?: any[]): Promise<any>;
  update(target: Function, criteria: { id: string }, values: Record<string, unknown>): Promise<{ affected?: number }>;
  save<T>(entity: T): Promise<T>;
}

export interface DataSource {
  transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T>;
}

export interface Repository<T> {
  findOneBy(where: Partial<T>): Promise<T | null>;
  save(entity: T): Promise<T>;
}
