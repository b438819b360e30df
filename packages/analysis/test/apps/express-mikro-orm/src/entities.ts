import { randomUUID } from 'node:crypto';
import { Collection, Entity, Enum, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';

export enum BookStatus {
  Draft = 'draft',
  Published = 'published',
  Archived = 'archived',
}

@Entity()
export class Author {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  name: string;

  @Property({ unique: true })
  email: string;

  @OneToMany(() => Book, (book) => book.author)
  books = new Collection<Book>(this);

  @Property()
  createdAt: Date = new Date();

  constructor(name: string, email: string) {
    this.name = name;
    this.email = email;
  }
}

@Entity()
export class Book {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  title!: string;

  @Property({ type: 'decimal', precision: 10, scale: 2 })
  price!: string;

  @Property()
  stock = 0;

  @Enum(() => BookStatus)
  status: BookStatus = BookStatus.Draft;

  @ManyToOne(() => Author)
  author!: Author;

  @Property()
  discontinued = false;

  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** An event row flushed in the same transaction as the change it describes; the relay ships it to the broker. */
@Entity({ tableName: 'outbox_messages' })
export class OutboxMessage {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property()
  aggregateType: string;

  @Property()
  aggregateId: string;

  @Property()
  type: string;

  @Property({ type: 'json' })
  payload: Record<string, unknown>;

  @Property()
  occurredAt: Date = new Date();

  @Property({ nullable: true })
  dispatchedAt?: Date;

  constructor(aggregateType: string, aggregateId: string, type: string, payload: Record<string, unknown>) {
    this.aggregateType = aggregateType;
    this.aggregateId = aggregateId;
    this.type = type;
    this.payload = payload;
  }
}
