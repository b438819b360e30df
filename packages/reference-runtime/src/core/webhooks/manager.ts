// Placeholder; the full WebhookManager is being written separately.
export class WebhookManager {}
