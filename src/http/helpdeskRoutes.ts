// POST /api/helpdesk/{zendesk|servicenow|jira|webhook}: a desk's webhook. The signature is checked
// over the raw body before anything is parsed (a bad or old one is 401, nothing stored); then the
// body is read (helpdesk/webhooks.ts) and acted on (app/fromHelpdesk.ts), answered with what it
// came to. Desks retry 409 and 5xx, so a repeat is a 200 "duplicate".
import type { Request, Response, Server } from 'restify';
import { type DeskEvent, fromHelpdesk, type HelpdeskDeps } from '../app/fromHelpdesk';
import { type DeskSystem, deskLabels } from '../domain/tickets';
import type { HelpdeskSettings } from '../helpdesk/config';
import { type Desk, DeskError } from '../helpdesk/desk';
import {
  type HeaderOf,
  jiraSignatureProblem,
  standardWebhookProblem,
  zendeskSignatureProblem,
} from '../helpdesk/signatures';
import {
  genericEvent,
  jiraEvent,
  serviceNowEvent,
  UnknownTicket,
  WebhookBodyError,
  zendeskEvent,
} from '../helpdesk/webhooks';
import { sendError } from './errors';
import { guarded, type Handler } from './server';

export interface HelpdeskRouteDeps extends HelpdeskDeps {
  helpdesk: HelpdeskSettings;
  /** The desks' clients for reading a ticket while a webhook waits (a short deadline). */
  deskReaders: ReadonlyMap<DeskSystem, Desk>;
  log: (message: string) => void;
}

/** The routes that take a desk's signature instead of a key (http/callers.ts lets them through). */
export const helpdeskRoute = /^\/api\/helpdesk\//;

type Route = 'zendesk' | 'servicenow' | 'jira' | 'webhook';

export function registerHelpdeskRoutes(server: Server, deps: HelpdeskRouteDeps): void {
  for (const route of ['zendesk', 'servicenow', 'jira', 'webhook'] as const) {
    server.post(`/api/helpdesk/${route}`, guarded(deps, deskWebhook(deps, route)));
  }
}

function deskWebhook(deps: HelpdeskRouteDeps, route: Route): Handler {
  return async (req: Request, res: Response) => {
    const secret = secretOf(deps.helpdesk, route);
    if (!secret) {
      const what =
        route === 'webhook'
          ? 'The generic help-desk route is off: set HELPDESK_WEBHOOK_SECRET'
          : `${deskLabels[route]} is not connected: see the README's help-desk section`;
      return sendError(res, 404, what);
    }
    const raw = rawBody(req);
    const header: HeaderOf = (name) => req.header(name) || undefined;
    const problem = signatureProblem(route, secret, header, raw);
    if (problem) return sendError(res, 401, `Not accepted: ${problem}. Nothing was stored.`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 400, 'The body is not valid JSON');
    }
    let event: DeskEvent;
    try {
      event = await eventOf(deps, route, body);
    } catch (error) {
      return refuse(deps, res, route, error);
    }
    res.send(200, await fromHelpdesk(deps, event));
  };
}

function secretOf(settings: HelpdeskSettings, route: Route): string | undefined {
  if (route === 'webhook') return settings.webhookSecret;
  return settings.desks.find((d) => d.system === route)?.webhookSecret;
}

function signatureProblem(route: Route, secret: string, header: HeaderOf, raw: Buffer): string | undefined {
  const now = new Date();
  switch (route) {
    case 'zendesk':
      return zendeskSignatureProblem(secret, header, raw, now);
    case 'jira':
      return jiraSignatureProblem(secret, header, raw);
    default:
      return standardWebhookProblem(secret, header, raw, now);
  }
}

async function eventOf(deps: HelpdeskRouteDeps, route: Route, body: unknown): Promise<DeskEvent> {
  switch (route) {
    case 'webhook':
      return genericEvent(body);
    case 'servicenow':
      return serviceNowEvent(body, deps.helpdesk.desks.find((d) => d.system === 'servicenow')?.baseUrl ?? '');
    case 'zendesk':
      return zendeskEvent(body, reader(deps, 'zendesk'));
    case 'jira':
      return jiraEvent(body, reader(deps, 'jira'));
  }
}

function reader(deps: HelpdeskRouteDeps, system: DeskSystem): Desk {
  const desk = deps.deskReaders.get(system);
  if (!desk) throw new Error(`${system} is configured without a client`);
  return desk;
}

/** A body not as the desk sends it is 400; a ticket the desk does not know, 404; a desk that did not answer, 503 (it retries). */
function refuse(deps: HelpdeskRouteDeps, res: Response, route: Route, error: unknown): void {
  const desk = route === 'webhook' ? 'this route' : deskLabels[route];
  if (error instanceof WebhookBodyError) {
    sendError(res, 400, `The body is not what ${desk} sends: ${error.message}`);
  } else if (error instanceof UnknownTicket) {
    sendError(res, 404, `${error.message}: nothing was escalated`);
  } else if (error instanceof DeskError) {
    deps.log(`help desk ${route}: reading the ticket failed: ${error.message}`);
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      // Escalation Desk's account is refused: a retry cannot help until its settings are mended.
      sendError(
        res,
        424,
        `${desk} refused Escalation Desk's request (${status}): check its account in the README's help-desk section`,
      );
    } else {
      res.setHeader('retry-after', '60');
      sendError(res, 503, `${desk} did not answer; the webhook will be tried again`);
    }
  } else {
    throw error;
  }
}

function rawBody(req: Request): Buffer {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : '', 'utf8');
}
