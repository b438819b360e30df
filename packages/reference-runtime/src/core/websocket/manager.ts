// Placeholder with the API the modules use; the full ConnectionManager is being written separately.
export interface WebSocketMessage {
  type: string;
  data?: unknown;
}

export class ConnectionManager {
  async broadcastToOrganization(organizationId: string, message: WebSocketMessage): Promise<void> {
    void organizationId;
    void message;
  }
  async broadcastToChannel(channel: string, message: WebSocketMessage): Promise<void> {
    void channel;
    void message;
  }
  async sendPersonalMessage(userId: string, message: WebSocketMessage): Promise<void> {
    void userId;
    void message;
  }
}
