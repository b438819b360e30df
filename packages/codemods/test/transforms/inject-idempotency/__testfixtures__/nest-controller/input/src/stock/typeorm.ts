// The slice of TypeORM this fixture uses (the real types come from the typeorm package).
export interface EntityManager {
  query(query: string, parameters?: any[]): Promise<any>;
  update(target: string, criteria: { id: string }, values: Record<string, unknown>): Promise<{ affected?: number }>;
  save<T>(target: string, entity: T): Promise<T>;
}

export interface DataSource {
  transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T>;
}
