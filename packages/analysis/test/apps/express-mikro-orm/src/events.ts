import { EventEmitter } from 'node:events';

export interface DomainEvents {
  'author.registered': { authorId: string; email: string };
  'book.discontinued': { bookId: string };
}

// In-process only: listeners run in this process after the caller decides to publish; nothing is stored.
class EventBus {
  private readonly emitter = new EventEmitter();

  publish<K extends keyof DomainEvents>(type: K, payload: DomainEvents[K]): void {
    this.emitter.emit(type, payload);
  }

  subscribe<K extends keyof DomainEvents>(type: K, listener: (payload: DomainEvents[K]) => void): void {
    this.emitter.on(type, listener);
  }
}

export const bus = new EventBus();
