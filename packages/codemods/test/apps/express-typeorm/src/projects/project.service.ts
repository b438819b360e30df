import type { DataSource } from 'typeorm';
import { HttpError } from '../http-errors.js';
import { ProjectEntity, type Project } from './project.entity.js';

export class ProjectService {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<Project> {
    const project = await this.dataSource.getRepository(ProjectEntity).findOneBy({ id });
    if (!project) throw new HttpError(404, `no project ${id}`);
    return project;
  }

  async create(name: string): Promise<Project> {
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(ProjectEntity, { name, status: 'active' as const });
      return { id: saved.id, name: saved.name, status: saved.status };
    });
  }

  async rename(id: string, name: string): Promise<Project> {
    return this.dataSource.transaction(async (manager) => {
      const project = await manager.findOneBy(ProjectEntity, { id });
      if (!project) throw new HttpError(404, `no project ${id}`);
      await manager.update(ProjectEntity, { id }, { name });
      return { ...project, name };
    });
  }

  async archive(id: string): Promise<Project> {
    return this.dataSource.transaction(async (manager) => {
      const project = await manager.findOneBy(ProjectEntity, { id });
      if (!project) throw new HttpError(404, `no project ${id}`);
      if (project.status === 'archived') throw new HttpError(409, `project ${id} is archived already`);
      await manager.update(ProjectEntity, { id }, { status: 'archived' });
      return { ...project, status: 'archived' as const };
    });
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.delete(ProjectEntity, { id });
      if (!result.affected) throw new HttpError(404, `no project ${id}`);
    });
  }
}
