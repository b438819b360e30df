export interface Session {
  run(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
