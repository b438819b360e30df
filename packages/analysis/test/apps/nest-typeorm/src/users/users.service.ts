import { Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { OutboxEvent } from '../outbox/outbox-event.entity';
import { User } from './user.entity';
import { CreateUserDto, UpdateUserDto } from './users.dto';

export class UserRenamedEvent {
  constructor(
    readonly userId: string,
    readonly name: string,
  ) {}
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
    private readonly eventEmitter: EventEmitter2,
  ) {}

  // expect: none — a read: not an operation
  findAll(): Promise<User[]> {
    return this.users.find({ order: { createdAt: 'DESC' }, take: 100 });
  }

  async findOne(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return user;
  }

  // expect: none — a read built by a query builder (getMany): not an operation
  search(term: string): Promise<User[]> {
    return this.users
      .createQueryBuilder('user')
      .where('user.name ILIKE :term OR user.email ILIKE :term', { term: `%${term}%` })
      .orderBy('user.name')
      .limit(20)
      .getMany();
  }

  /** What an invitation would look like, for the admin screen's preview. Nothing is stored. */
  // expect: none — Repository.create only builds an entity in memory: not a write
  draftInvite(dto: CreateUserDto): User {
    return this.users.create({ ...dto, status: 'invited' });
  }

  // expect: operation idempotency=no event=yes commit=yes — the user and its outbox row are saved by one manager
  async create(dto: CreateUserDto): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.save(manager.create(User, { ...dto, status: 'active' }));
      await manager.save(OutboxEvent, {
        aggregateType: 'user',
        aggregateId: user.id,
        type: 'user.created',
        payload: { id: user.id, email: user.email, name: user.name },
      });
      return user;
    });
  }

  // expect: operation event=no — the event-emitter publish after the save is a dual write
  async rename(id: string, name: string): Promise<User> {
    const user = await this.findOne(id);
    user.name = name;
    const saved = await this.users.save(user);
    // expect: none — an in-process @nestjs/event-emitter publish after the save: a dual write, not an outbox event
    this.eventEmitter.emit('user.renamed', new UserRenamedEvent(saved.id, saved.name));
    return saved;
  }

  // expect: operation
  async update(id: string, dto: UpdateUserDto): Promise<User> {
    const result = await this.users.update({ id }, dto);
    if (result.affected === 0) throw new NotFoundException(`user ${id} not found`);
    return this.findOne(id);
  }

  // expect: operation event=no
  async importMany(dtos: CreateUserDto[]): Promise<number> {
    const result = await this.users.insert(dtos.map((dto) => ({ ...dto, status: 'invited' as const })));
    return result.identifiers.length;
  }

  // expect: operation
  async deactivate(id: string): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update(User)
      .set({ status: 'inactive' })
      .where('id = :id', { id })
      .execute();
  }

  // expect: operation
  async remove(id: string): Promise<void> {
    await this.users.softDelete(id);
  }

  // expect: operation
  async purge(id: string): Promise<void> {
    await this.users.delete({ id });
  }
}
