// xlive panel: the People screen — API tokens (and accounts, the audit log).
import { can } from './panel-api.js';
import { registerScreen } from './panel-nav.js';
import { enterTokens } from './panel-tokens.js';

registerScreen('people', {
  allowed: () => can('system:admin') || can('users:admin'),
  enter: () => enterTokens(),
});
