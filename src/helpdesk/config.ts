// The help desks' connections, from the environment (../shared/CONTRACT.md): per desk its base
// URL, the account notes are written as, and the webhook's signing secret. A desk is connected
// when all four are set; some but not all is a mistake that stops start-up, naming what is
// missing. Secrets are never shown in a message. src/config.ts calls this.
import type { DeskSystem } from '../domain/tickets';

export interface DeskConnection {
  system: DeskSystem;
  /** https://acme.zendesk.com, https://acme.service-now.com, https://acme.atlassian.net (no trailing slash). */
  baseUrl: string;
  /** Zendesk and Jira: the agent's email; ServiceNow: the integration user. */
  user: string;
  /** Zendesk and Jira: the API token; ServiceNow: the password. */
  secret: string;
  /** The webhook's signing secret (ServiceNow: `whsec_<base64>`). */
  webhookSecret: string;
}

export interface HelpdeskSettings {
  desks: DeskConnection[];
  /** The generic route's Standard Webhooks secret; undefined: /api/helpdesk/webhook answers 404. */
  webhookSecret?: string;
}

const names: Record<DeskSystem, { url: string; user: string; secret: string; webhook: string; label: string }> = {
  zendesk: {
    url: 'ZENDESK_URL',
    user: 'ZENDESK_EMAIL',
    secret: 'ZENDESK_API_TOKEN',
    webhook: 'ZENDESK_WEBHOOK_SECRET',
    label: 'Zendesk',
  },
  servicenow: {
    url: 'SERVICENOW_URL',
    user: 'SERVICENOW_USER',
    secret: 'SERVICENOW_PASSWORD',
    webhook: 'SERVICENOW_WEBHOOK_SECRET',
    label: 'ServiceNow',
  },
  jira: {
    url: 'JIRA_URL',
    user: 'JIRA_EMAIL',
    secret: 'JIRA_API_TOKEN',
    webhook: 'JIRA_WEBHOOK_SECRET',
    label: 'Jira',
  },
};

/** The variables that hold secrets: a message about them names them, never shows them. */
export const helpdeskSecretNames = [
  ...Object.values(names).flatMap((n) => [n.secret, n.webhook]),
  'HELPDESK_WEBHOOK_SECRET',
];

/** A problem a start-up message says, naming the variable (never a secret's value). */
export class HelpdeskConfigError extends Error {}

export function helpdeskSettings(env: NodeJS.ProcessEnv, localMode: boolean): HelpdeskSettings {
  const desks: DeskConnection[] = [];
  for (const [system, n] of Object.entries(names) as [DeskSystem, (typeof names)[DeskSystem]][]) {
    const values = {
      url: given(env[n.url]),
      user: given(env[n.user]),
      secret: given(env[n.secret]),
      webhook: given(env[n.webhook]),
    };
    const set = Object.values(values).filter((v) => v !== undefined).length;
    if (set === 0) continue;
    const missing = (['url', 'user', 'secret', 'webhook'] as const)
      .filter((k) => values[k] === undefined)
      .map((k) => n[k]);
    if (missing.length > 0) {
      throw new HelpdeskConfigError(
        `${missing.join(', ')} must be set to connect ${n.label} (or unset all of ${n.url}, ${n.user}, ${n.secret}, ${n.webhook})`,
      );
    }
    const baseUrl = deskUrl(n.url, values.url as string, localMode);
    if (system === 'zendesk' && !(values.user as string).includes('@')) {
      throw new HelpdeskConfigError(
        `${n.user}=${JSON.stringify(values.user)} is not valid: expected the agent's email address`,
      );
    }
    if (system === 'jira' && !(values.user as string).includes('@')) {
      throw new HelpdeskConfigError(
        `${n.user}=${JSON.stringify(values.user)} is not valid: expected the agent's email address`,
      );
    }
    if (system === 'servicenow') standardSecret(n.webhook, values.webhook as string);
    else if ((values.webhook as string).length < 16) {
      throw new HelpdeskConfigError(
        `${n.webhook} is not valid: expected the webhook's signing secret (16 or more characters)`,
      );
    }
    desks.push({
      system,
      baseUrl,
      user: values.user as string,
      secret: values.secret as string,
      webhookSecret: values.webhook as string,
    });
  }
  const generic = given(env.HELPDESK_WEBHOOK_SECRET);
  if (generic !== undefined) standardSecret('HELPDESK_WEBHOOK_SECRET', generic);
  return { desks, ...(generic !== undefined && { webhookSecret: generic }) };
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** https only, except a loopback desk in local mode (a test's fake desk, a tunnel). */
function deskUrl(name: string, value: string, localMode: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HelpdeskConfigError(
      `${name}=${JSON.stringify(value)} is not valid: expected the desk's https:// address`,
    );
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (loopback || localMode))) {
    throw new HelpdeskConfigError(`${name}=${JSON.stringify(value)} is not valid: expected an https:// address`);
  }
  if (url.search || url.hash || url.username) {
    throw new HelpdeskConfigError(
      `${name}=${JSON.stringify(value)} is not valid: expected the site's address alone, without query or credentials`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** A Standard Webhooks secret: `whsec_` and base64 of at least 24 bytes. */
function standardSecret(name: string, value: string): void {
  const key = value.startsWith('whsec_') ? Buffer.from(value.slice(6), 'base64') : Buffer.alloc(0);
  if (key.length < 24) {
    throw new HelpdeskConfigError(
      `${name} is not valid: expected a Standard Webhooks secret, "whsec_" then base64 of 24 or more random bytes`,
    );
  }
}
