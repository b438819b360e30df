import type { BrokerMessage, EventBroker } from '../../core/broker/broker.js';
import type { Database } from '../../db/database.js';
import { DbSession } from '../../db/session.js';
import { MatchingService } from './matching.service.js';

/**
 * The events that open something up for matching, and the handler each one calls. Both are the trade desk's
 * outbox events, so matching runs only on committed changes.
 */
const HANDLERS: Record<string, (service: MatchingService, aggregateId: string) => Promise<unknown>> = {
  'requirement.published': (service, requirementId) => service.onRequirementCreated(requirementId),
  'availability.approved': (service, availabilityId) => service.onAvailabilityCreated(availabilityId),
};

export type MatchingErrorHandler = (error: unknown, message: BrokerMessage) => void;

/**
 * Runs matching for the broker's trade desk events, each in a session of its own. Returns the unsubscribe.
 *
 * Failures are reported, not thrown: the broker would otherwise redeliver the event to every subscriber and repeat
 * its WebSocket and webhook legs for the sake of a match the desk can also request over HTTP
 * (POST /matching/requirements/:id/runs).
 */
export function subscribeMatching(broker: EventBroker, database: Database, onError: MatchingErrorHandler = () => undefined): () => void {
  return broker.subscribe(async (message) => {
    const handle = HANDLERS[message.eventType];
    if (!handle) return;
    const session = new DbSession(database);
    try {
      await handle(new MatchingService(session), message.aggregateId);
    } catch (error) {
      onError(error, message);
    } finally {
      await session.close();
    }
  });
}
