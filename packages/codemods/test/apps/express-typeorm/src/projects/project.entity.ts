import { EntitySchema } from 'typeorm';

export interface Project {
  id: string;
  name: string;
  status: 'active' | 'archived';
}

export const ProjectEntity = new EntitySchema<Project>({
  name: 'Project',
  tableName: 'projects',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    name: { type: 'text' },
    status: { type: 'text', default: 'active' },
  },
});
