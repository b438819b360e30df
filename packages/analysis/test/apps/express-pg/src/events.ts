import { EventEmitter } from 'node:events';

export interface OrderCancelled {
  orderId: string;
  reason: string;
}

export interface CustomerRegistered {
  customerId: string;
  email: string;
}

// In-process only: listeners run in this process, after whatever published the event, and are lost on a crash.
export const bus = new EventEmitter();
