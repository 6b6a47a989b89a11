import { builder } from './builder.js';
import './api-key.js';
import './auth-config.js';
import './connect-link.js';
import './connected-account.js';
import './connected-account-mutations.js';
import './ensure-connection.js';
import './key-rotation.js';
import './project.js';
import './session.js';
import './session-update.js';
import './toolkit.js';
import './webhook.js';

/** The executable schema: every type file registers itself on the builder, this assembles them. */
export const schema = builder.toSchema();
