import type { ConnectionManager } from '../../../core/websocket/manager.js';
import { organizationChannel } from '../../../core/websocket/channels.js';
import { WebSocketEventType, type WebSocketMessage } from '../../../core/websocket/events.js';
import type { Fulfillment, Requirement } from '../requirement.service.js';

export type RealtimeErrorHandler = (error: unknown, context: string) => void;

/**
 * Pushes requirement changes to the desk's screens. Who hears what:
 *   - the organisation's requirement board (`org:<org>:requirements`) sees every change;
 *   - a requirement's own channel (`org:<org>:requirements:<id>`) sees its edits and fulfilment progress;
 *   - the whole organisation hears when demand opens or closes (published, fulfilled, cancelled);
 *   - the buyer who raised it gets a personal message when it is fulfilled or cancelled.
 * Pushes happen after the commit and are best effort: the database is the truth, a client that missed a push
 * reloads it, so a failed push is reported to `onError` and never fails the request that caused it.
 */
export class RequirementWebSocketService {
  constructor(
    private readonly manager: ConnectionManager,
    private readonly onError: RealtimeErrorHandler = () => undefined,
  ) {}

  static boardChannel(organizationId: string): string {
    return organizationChannel(organizationId, 'requirements');
  }

  static requirementChannel(organizationId: string, requirementId: string): string {
    return organizationChannel(organizationId, `requirements:${requirementId}`);
  }

  async requirementCreated(requirement: Requirement): Promise<void> {
    await this.push('requirement created', () =>
      this.manager.broadcastToChannel(
        RequirementWebSocketService.boardChannel(requirement.organizationId),
        message(WebSocketEventType.REQUIREMENT_CREATED, requirement),
      ),
    );
  }

  async requirementUpdated(requirement: Requirement): Promise<void> {
    const update = message(WebSocketEventType.REQUIREMENT_UPDATED, requirement);
    await this.push('requirement updated', () =>
      Promise.all([
        this.manager.broadcastToChannel(RequirementWebSocketService.boardChannel(requirement.organizationId), update),
        this.manager.broadcastToChannel(
          RequirementWebSocketService.requirementChannel(requirement.organizationId, requirement.id),
          update,
        ),
      ]),
    );
  }

  async requirementPublished(requirement: Requirement): Promise<void> {
    await this.push('requirement published', () =>
      this.manager.broadcastToOrganization(
        requirement.organizationId,
        message(WebSocketEventType.REQUIREMENT_PUBLISHED, requirement),
      ),
    );
  }

  async fulfillmentUpdated(requirement: Requirement, fulfillment: Fulfillment): Promise<void> {
    await this.push('fulfilment updated', async () => {
      await this.manager.broadcastToChannel(
        RequirementWebSocketService.requirementChannel(requirement.organizationId, requirement.id),
        message(WebSocketEventType.REQUIREMENT_FULFILLMENT_UPDATED, requirement, { fulfillment }),
      );
      if (requirement.status !== 'fulfilled') return;
      const fulfilled = message(WebSocketEventType.REQUIREMENT_FULFILLED, requirement);
      await this.manager.broadcastToOrganization(requirement.organizationId, fulfilled);
      if (requirement.createdBy) await this.manager.sendPersonalMessage(requirement.createdBy, fulfilled);
    });
  }

  async requirementCancelled(requirement: Requirement): Promise<void> {
    await this.push('requirement cancelled', async () => {
      const cancelled = message(WebSocketEventType.REQUIREMENT_CANCELLED, requirement, {
        reason: requirement.cancellationReason,
      });
      await this.manager.broadcastToOrganization(requirement.organizationId, cancelled);
      if (requirement.createdBy) await this.manager.sendPersonalMessage(requirement.createdBy, cancelled);
    });
  }

  private async push(context: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.onError(error, context);
    }
  }
}

function message(type: WebSocketEventType, requirement: Requirement, extra: Record<string, unknown> = {}): WebSocketMessage {
  return {
    type,
    data: {
      requirementId: requirement.id,
      status: requirement.status,
      requirement,
      ...extra,
    },
  };
}
