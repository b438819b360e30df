/**
 * Channel names and who may subscribe to them. Two namespaces are private:
 *   org:<organizationId>[:<topic>]  — members of that organisation only (e.g. `org:42:requirements`);
 *   user:<userId>[:<topic>]         — that user only.
 * Any other well-formed name is a public channel (market data such as `prices:cotton`). Modules that publish tenant
 * data must use the `org:` namespace, which is what keeps one organisation out of another's updates.
 */
export interface ClientIdentity {
  userId: string;
  /** The client's organisation; null for a user of none, who hears no organisation's broadcasts. */
  organizationId: string | null;
}

const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const organizationChannel = (organizationId: string, topic?: string): string =>
  topic ? `org:${organizationId}:${topic}` : `org:${organizationId}`;

export const userChannel = (userId: string, topic?: string): string => (topic ? `user:${userId}:${topic}` : `user:${userId}`);

export function isValidIdentifier(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** Why `identity` may not subscribe to `channel`, or undefined when it may. */
export function channelDenial(identity: ClientIdentity, channel: unknown): string | undefined {
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    return 'channel must be 1-128 characters of letters, digits, "_", ".", ":" or "-"';
  }
  const [namespace, owner] = channel.split(':');
  if (namespace === 'org') {
    if (!owner) return 'channel "org:" needs an organisation id';
    if (identity.organizationId === null || owner !== identity.organizationId) {
      return `channel ${channel} belongs to another organisation`;
    }
  }
  if (namespace === 'user') {
    if (!owner) return 'channel "user:" needs a user id';
    if (owner !== identity.userId) return `channel ${channel} belongs to another user`;
  }
  return undefined;
}
