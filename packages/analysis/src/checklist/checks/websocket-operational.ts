import type { Check } from '../check.js';
import { managerOperational } from './manager-operational.js';

export const websocketOperational: Check = {
  id: 'websocket-operational',
  title: 'WebSocket manager operational',
  requires: 'The WebSocket manager class (checklist.websocketManagerClass) has its methods (checklist.websocketManagerMethods) and code outside the tests imports it.',
  remediation: 'Implement the manager (connect, disconnect, channel and personal broadcasts) and wire it into the server; or name yours in checklist.websocketManagerClass.',
  run: (context) => managerOperational(context.settings.websocketManagerClass, context.settings.websocketManagerMethods, context),
};
