/** The team's own outbox: events are written with `write`, not with an event method the analysis knows. */
export class OutboxRepository {
  readonly written: unknown[] = [];

  write(event: unknown): void {
    this.written.push(event);
  }
}
