// Environment -> typed configuration. The only reader of process.env. A bad value
// stops start-up with one line naming the variable and what it accepts.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './domain/duration';
import { defaultSlaPolicy, type SlaPolicy, slaPolicyFileSchema, slaPolicyFrom } from './domain/slaPolicy';
import { HelpdeskConfigError, type HelpdeskSettings, helpdeskSecretNames, helpdeskSettings } from './helpdesk/config';

export interface Config {
  port: number;
  host: string;
  /** No BOT_ID: Bot Framework authentication is off and only loopback is served. */
  localMode: boolean;
  bot?: { id: string; password?: string; tenantId?: string; type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI' };
  databaseUrl: string;
  /** How much is logged: pino's levels, "silent" for nothing. */
  logLevel: LogLevel;
  publicUrl: string;
  slaPolicy: SlaPolicy;
  slaCheckIntervalMs: number;
  apiKey?: string;
  outlookOriginatorId?: string;
  /** Entra object ids and UPNs (lower case) of the people who may bind tiers and see everything. */
  admins: { ids: string[]; upns: string[] };
  /** Tenants whose activities are accepted; undefined: any (local mode only). */
  allowedTenants?: string[];
  /** Signs "Brief as text" links; undefined in local mode until main.ts makes one in the data folder. */
  linkSecret?: string;
  /** May the Leadership channel see Security escalations too? */
  leadershipSeesSecurity: boolean;
  /**
   * Where emails go: Microsoft Graph from one mailbox, or (no MAIL_SENDER) .eml files in the
   * data folder, for a newcomer to open.
   */
  mail: { kind: 'graph'; sender: string } | { kind: 'files' };
  /** Microsoft Graph and the identity that calls it; set when something sends through Graph (MAIL_SENDER). */
  graph?: GraphSettings;
  /** The Entra app whose tokens the tab sends; undefined: the API takes no person's token. */
  sso?: { clientId: string; appIdUri: string; authorityHost: string };
  /** Connected help desks (Zendesk, ServiceNow, Jira) and the generic webhook's secret. */
  helpdesk: HelpdeskSettings;
  /**
   * How an escalation's group chat is opened: made through Microsoft Graph with the app installed
   * in it (TEAMS_APP_ID), or (no Graph) a Teams deep link that opens it as a draft for the person.
   */
  swarm: { kind: 'graph'; teamsAppId: string } | { kind: 'deepLinks' };
  /**
   * Where followers' notices go: the Teams activity feed through Microsoft Graph (TEAMS_APP_ID and
   * an identity), or (no Graph) an alerting message in their chat with the bot.
   */
  notices: { kind: 'activityFeed'; teamsAppId: string } | { kind: 'chat' };
}

export interface GraphSettings {
  /** Microsoft Graph's base URL (a sovereign cloud has its own); tokens are asked for its origin. */
  url: string;
  /** Microsoft Entra ID, where a secret or certificate is exchanged for a token. */
  authorityHost: string;
  identity: GraphIdentity;
}

/** Who calls Graph: the bot's user-assigned managed identity on Azure, else an app with a secret or certificate. */
export type GraphIdentity =
  | { kind: 'managedIdentity'; clientId: string }
  | { kind: 'secret'; clientId: string; tenantId: string; clientSecret: string }
  | { kind: 'certificate'; clientId: string; tenantId: string; certificatePath: string };

export class ConfigError extends Error {}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blank, z.string().optional());
const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const upn = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;

/** A comma-separated list whose every item must match. */
const listOf = (item: RegExp, expected: string) =>
  z.preprocess(
    blank,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .refine((items) => items.every((i) => item.test(i)), expected)
      .optional(),
  );

/** Never repeated in an error message: a log of a failed start must not leak them. */
const secretNames = new Set([
  'BOT_PASSWORD',
  'CLIENT_SECRET',
  'API_KEY',
  'LINK_SECRET',
  'GRAPH_CLIENT_SECRET',
  ...helpdeskSecretNames,
]);

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const envSchema = z.object({
  LOG_LEVEL: z.preprocess(blank, z.enum(logLevels, { error: `one of ${logLevels.join(', ')}` }).default('info')),
  PORT: z.preprocess(
    blank,
    z.coerce
      .number({ error: 'a port number from 1 to 65535' })
      .int('a port number from 1 to 65535')
      .min(1, 'a port number from 1 to 65535')
      .max(65535, 'a port number from 1 to 65535')
      .default(3978),
  ),
  HOST: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[\w.:-]+$/, 'a host name or IP address to listen on')
      .optional(),
  ),
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  BOT_TENANT_ID: optionalText,
  BOT_TYPE: z.preprocess(
    blank,
    z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        error: 'MultiTenant, SingleTenant or UserAssignedMSI',
      })
      .optional(),
  ),
  DATABASE_URL: z.preprocess(
    blank,
    z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'sqlite:PATH or postgres://user@host:port/database')
      .default('sqlite:./data/escalations.db'),
  ),
  PUBLIC_URL: z.preprocess(
    blank,
    z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://escalations.example.org' })
      .default('http://localhost:3978'),
  ),
  SLA_POLICY: optionalText,
  SLA_CHECK_INTERVAL: z.preprocess(
    blank,
    z
      .string()
      .refine((v) => {
        const ms = parseDuration(v);
        return ms !== undefined && ms >= 100 && ms <= 3_600_000;
      }, 'an ISO-8601 duration from PT0.1S to PT1H, such as PT30S or PT5M')
      .default('PT30S'),
  ),
  API_KEY: z.preprocess(blank, z.string().min(16, 'a key of at least 16 characters').optional()),
  OUTLOOK_ORIGINATOR_ID: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[\w-]{8,64}$/, 'the provider id from the Actionable Email Developer Dashboard (a GUID)')
      .optional(),
  ),
  MAIL_SENDER: z.preprocess(
    blank,
    z.email('the mailbox emails are sent from, e.g. escalations@contoso.com').optional(),
  ),
  SSO_CLIENT_ID: optionalText,
  SSO_APP_ID_URI: z.preprocess(
    blank,
    z
      .string()
      .regex(/^(api|https?):\/\/\S+$/, 'an app id URI such as api://escalations.contoso.com/<client id>')
      .optional(),
  ),
  TEAMS_APP_ID: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "the Teams app's id (a GUID)")
      .optional(),
  ),
  GRAPH_CLIENT_ID: optionalText,
  GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_TENANT_ID: optionalText,
  GRAPH_CLIENT_CERTIFICATE_PATH: optionalText,
  GRAPH_URL: z.preprocess(
    blank,
    z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://graph.microsoft.com' })
      .default('https://graph.microsoft.com'),
  ),
  ENTRA_AUTHORITY_HOST: z.preprocess(
    blank,
    z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://login.microsoftonline.com' })
      .default('https://login.microsoftonline.com'),
  ),
  ADMINS: listOf(
    new RegExp(`${guid.source}|${upn.source}`, 'i'),
    'comma-separated Entra object ids (GUIDs) or user principal names (name@example.com)',
  ),
  ALLOWED_TENANTS: listOf(guid, 'comma-separated tenant ids (GUIDs)'),
  LINK_SECRET: z.preprocess(blank, z.string().min(32, 'a secret of at least 32 characters').optional()),
  LEADERSHIP_SEES_SECURITY: z.preprocess(blank, z.enum(['true', 'false'], { error: 'true or false' }).default('false')),
});

/**
 * The Microsoft 365 Agents Toolkit's names for the bot's identity (its templates and Azure app
 * settings say CLIENT_ID, CLIENT_SECRET, TENANT_ID and BOT_TYPE=UserAssignedMsi), read as ours
 * when ours are not set.
 */
function withToolkitNames(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const botType = env.BOT_TYPE?.trim();
  const types = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];
  return {
    ...env,
    BOT_ID: env.BOT_ID ?? env.CLIENT_ID,
    BOT_PASSWORD: env.BOT_PASSWORD ?? env.CLIENT_SECRET,
    BOT_TENANT_ID: env.BOT_TENANT_ID ?? env.TENANT_ID,
    BOT_TYPE: types.find((type) => type.toLowerCase() === botType?.toLowerCase()) ?? env.BOT_TYPE,
  };
}

export function loadConfig(given: NodeJS.ProcessEnv = process.env): Config {
  const env = withToolkitNames(given);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const value = (env[name] ?? '').replace(/\/\/[^@/]*@/, '//***@');
    const shown = secretNames.has(name) ? name : `${name}=${JSON.stringify(value)}`;
    throw new ConfigError(`${shown} is not valid: expected ${issue?.message}`);
  }
  const e = parsed.data;
  const localMode = e.BOT_ID === undefined;
  const host = e.HOST ?? '127.0.0.1';
  if (localMode && !loopbackHosts.has(host)) {
    throw new ConfigError(
      `HOST=${host} is not allowed without BOT_ID: local mode has no authentication and listens on 127.0.0.1, ::1 or localhost only`,
    );
  }
  if (!localMode && e.BOT_TYPE !== 'UserAssignedMSI' && !e.BOT_PASSWORD) {
    throw new ConfigError('BOT_PASSWORD is required when BOT_ID is set (the Azure Bot client secret)');
  }
  if (e.BOT_TYPE === 'SingleTenant' && !e.BOT_TENANT_ID) {
    throw new ConfigError('BOT_TENANT_ID is required when BOT_TYPE=SingleTenant');
  }
  const allowedTenants = e.ALLOWED_TENANTS ?? (e.BOT_TENANT_ID ? [e.BOT_TENANT_ID] : undefined);
  if (!localMode && !allowedTenants) {
    throw new ConfigError(
      'ALLOWED_TENANTS is required for a multi-tenant bot: the tenant ids (GUIDs) whose people may use it',
    );
  }
  if (!localMode && !e.LINK_SECRET) {
    throw new ConfigError(
      'LINK_SECRET is required when BOT_ID is set: 32 or more random characters that sign "Brief as text" links',
    );
  }
  const admins = e.ADMINS ?? [];
  if (e.GRAPH_CLIENT_CERTIFICATE_PATH) checkCertificateFile(e.GRAPH_CLIENT_CERTIFICATE_PATH);
  // Swarm chats are made through Graph when the app is known to install into them, and an identity calls Graph.
  const chatsViaGraph = e.TEAMS_APP_ID !== undefined && (e.GRAPH_CLIENT_ID ?? e.BOT_ID) !== undefined;
  const graph = e.MAIL_SENDER || chatsViaGraph ? graphOf(e) : undefined;
  const helpdesk = helpdeskOf(env, localMode);
  const ssoClientId = e.SSO_CLIENT_ID ?? e.BOT_ID;
  return {
    port: e.PORT,
    host,
    localMode,
    bot: localMode
      ? undefined
      : {
          id: e.BOT_ID as string,
          password: e.BOT_PASSWORD,
          tenantId: e.BOT_TENANT_ID,
          type: e.BOT_TYPE ?? 'MultiTenant',
        },
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    slaPolicy: e.SLA_POLICY ? readSlaPolicy(e.SLA_POLICY) : defaultSlaPolicy,
    slaCheckIntervalMs: parseDuration(e.SLA_CHECK_INTERVAL) as number,
    apiKey: e.API_KEY,
    outlookOriginatorId: e.OUTLOOK_ORIGINATOR_ID,
    admins: {
      ids: admins.filter((a) => !a.includes('@')).map((a) => a.toLowerCase()),
      upns: admins.filter((a) => a.includes('@')).map((a) => a.toLowerCase()),
    },
    allowedTenants: allowedTenants?.map((t) => t.toLowerCase()),
    linkSecret: e.LINK_SECRET,
    leadershipSeesSecurity: e.LEADERSHIP_SEES_SECURITY === 'true',
    mail: e.MAIL_SENDER ? { kind: 'graph', sender: e.MAIL_SENDER } : { kind: 'files' },
    ...(graph ? { graph } : {}),
    ...(ssoClientId
      ? {
          sso: {
            clientId: ssoClientId,
            appIdUri: e.SSO_APP_ID_URI ?? `api://${new URL(e.PUBLIC_URL).host}/${ssoClientId}`,
            authorityHost: e.ENTRA_AUTHORITY_HOST.replace(/\/+$/, ''),
          },
        }
      : {}),
    helpdesk,
    swarm: chatsViaGraph ? { kind: 'graph', teamsAppId: e.TEAMS_APP_ID as string } : { kind: 'deepLinks' },
    notices: graph && e.TEAMS_APP_ID ? { kind: 'activityFeed', teamsAppId: e.TEAMS_APP_ID } : { kind: 'chat' },
  };
}

/**
 * The identity that calls Graph, field by field the GRAPH_ one or the bot's own: a certificate
 * or secret when one is given, else the bot's user-assigned managed identity (which has none).
 */
function graphOf(e: z.output<typeof envSchema>): GraphSettings {
  const managed = e.BOT_TYPE === 'UserAssignedMSI';
  const clientId = e.GRAPH_CLIENT_ID ?? e.BOT_ID;
  const clientSecret = e.GRAPH_CLIENT_SECRET ?? (managed ? undefined : e.BOT_PASSWORD);
  const certificatePath = e.GRAPH_CLIENT_CERTIFICATE_PATH;
  const tenantId = e.GRAPH_TENANT_ID ?? e.BOT_TENANT_ID;
  const url = e.GRAPH_URL.replace(/\/+$/, '');
  const authorityHost = e.ENTRA_AUTHORITY_HOST.replace(/\/+$/, '');
  const missing = (name: string) =>
    new ConfigError(
      `${name} is required when ${e.MAIL_SENDER ? 'MAIL_SENDER is set (the app that sends mail through Microsoft Graph;' : 'TEAMS_APP_ID is set (the app that opens swarm chats through Microsoft Graph;'} the bot's BOT_ID, BOT_PASSWORD and BOT_TENANT_ID stand in when set, and a bot with BOT_TYPE=UserAssignedMSI sends as its managed identity)`,
    );
  if (!clientId) throw missing('GRAPH_CLIENT_ID');
  if (!clientSecret && !certificatePath) {
    if (managed) return { url, authorityHost, identity: { kind: 'managedIdentity', clientId } };
    throw missing('GRAPH_CLIENT_SECRET (or GRAPH_CLIENT_CERTIFICATE_PATH)');
  }
  if (!tenantId) throw missing('GRAPH_TENANT_ID');
  if (new URL(authorityHost).protocol !== 'https:') {
    throw new ConfigError(
      `ENTRA_AUTHORITY_HOST=${JSON.stringify(authorityHost)} is not valid for sending mail: expected an https URL (Microsoft Entra ID takes a secret or certificate over https only)`,
    );
  }
  const identity: GraphIdentity = certificatePath
    ? { kind: 'certificate', clientId, tenantId, certificatePath }
    : { kind: 'secret', clientId, tenantId, clientSecret: clientSecret as string };
  return { url, authorityHost, identity };
}

/** The app's certificate for Graph: one PEM file with the certificate and its private key, which must match. */
function checkCertificateFile(path: string): void {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(`GRAPH_CLIENT_CERTIFICATE_PATH=${path} cannot be read: ${why}`);
  }
  const expected = `GRAPH_CLIENT_CERTIFICATE_PATH=${path} is not valid: expected one PEM file holding the app's certificate and its unencrypted private key (e.g. cat app.crt app.key > app.pem)`;
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!certificate || !key) throw new ConfigError(expected);
  let matches: boolean;
  try {
    matches = new X509Certificate(certificate).checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new ConfigError(`${expected}; ${(error as Error).message}`);
  }
  if (!matches) throw new ConfigError(`${expected}; its private key is not the certificate's own`);
}

function readSlaPolicy(path: string): SlaPolicy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(`SLA_POLICY=${path} cannot be read: ${why}`);
  }
  const parsed = slaPolicyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the file';
    throw new ConfigError(`SLA_POLICY=${path} is not valid: ${where} ${issue?.message}`);
  }
  return slaPolicyFrom(parsed.data);
}

function helpdeskOf(env: NodeJS.ProcessEnv, localMode: boolean): HelpdeskSettings {
  try {
    return helpdeskSettings(env, localMode);
  } catch (error) {
    if (error instanceof HelpdeskConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
