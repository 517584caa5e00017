// xlive panel: the People screen — users and roles (users:admin), API tokens and the audit log
// (system:admin). The screen is offered to either scope; each part shows only to its own.
import { can } from './panel-api.js';
import { registerScreen } from './panel-nav.js';
import { enterAudit } from './panel-audit.js';
import { enterTokens } from './panel-tokens.js';
import { enterUsers } from './panel-users.js';

registerScreen('people', {
  allowed: () => can('users:admin') || can('system:admin'),
  enter: () => {
    enterUsers();
    enterTokens();
    enterAudit();
  },
});
