// What each desk's webhook says, read into a DeskEvent (app/fromHelpdesk.ts) once its signature
// is checked: the bodies ../shared/CONTRACT.md gives (Zendesk's trigger and ServiceNow's business
// rule as the README writes them, Jira's own payload, the generic route's escalation body). What
// the body leaves out of a Zendesk or Jira ticket is read from the desk's API.
import { z } from 'zod';
import type { DeskEvent } from '../app/fromHelpdesk';
import { hasControlCharacters } from '../domain/clientText';
import type { Person } from '../domain/escalation';
import type { FormValues } from '../domain/ticketForm';
import { type DeskSystem, isOwnNote, type Ticket } from '../domain/tickets';
import { formInputs } from '../domain/verbs';
import type { Desk, PublicReply } from './desk';
import { plainText } from './jira';

/** A body that is not what the desk sends: answered 400 with the message. */
export class WebhookBodyError extends Error {}

/** The ticket the desk names is not one it knows: answered 404. */
export class UnknownTicket extends Error {}

const text = (max: number) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .max(max)
        .refine((s) => !hasControlCharacters(s.replace(/[\n\t\r]/g, '')), 'no control characters'),
    );
const agentSchema = z.object({ name: text(200).optional(), email: text(320).optional() }).optional();
const signalList = z
  .union([z.string().max(2000), z.array(z.string().max(100)).max(50)])
  .optional()
  .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean));
/** Any of the form's fields a desk's body may carry as text ("workflowImpact": "{{ticket.ticket_field_123}}"). */
const formField = text(4000);

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new WebhookBodyError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not as expected'}`);
}

function agentOf(agent: { name?: string; email?: string } | undefined, fallback: string): Person {
  const name = agent?.name || agent?.email || fallback;
  return { name, ...(agent?.email && { email: agent.email }) };
}

/** The form's fields the body gives as text; one that is not text is left out (the form says what it lacks). */
function formOf(body: Record<string, unknown>): FormValues {
  const form: FormValues = {};
  for (const field of formInputs) {
    if (!Object.hasOwn(body, field) || field === 'ticket') continue;
    const value = formField.safeParse(body[field]);
    if (value.success && value.data !== '') form[field] = value.data;
  }
  return form;
}

const zendeskBody = z.object({
  event: z.enum(['escalate', 'public_reply']),
  ticket: z.object({ id: z.union([z.string().regex(/^\d{1,15}$/), z.number().int().positive()]).transform(String) }),
  tier: text(50).optional(),
  signals: signalList,
  agent: agentSchema,
});

/** Zendesk: the trigger names the ticket; its subject, description, priority and replies come from the API. */
export async function zendeskEvent(body: unknown, desk: Desk): Promise<DeskEvent> {
  const said = parsed(zendeskBody, body);
  return fromDesk(desk, said.ticket.id, said.event === 'public_reply', said, formOf(body as Record<string, unknown>));
}

const jiraBody = z.object({
  webhookEvent: z.string().max(100),
  changelog: z
    .object({
      items: z
        .array(
          z
            .object({
              field: z.string().max(100).optional(),
              fromString: z.string().max(5000).nullable().optional(),
              toString: z.string().max(5000).nullable().optional(),
            })
            .passthrough(),
        )
        .max(200),
    })
    .passthrough()
    .optional(),
  issue: z
    .object({
      key: z.string().regex(/^[A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9}$/, 'an issue key like SUP-12'),
      fields: z
        .object({ labels: z.array(z.string().max(255)).max(100).optional() })
        .passthrough()
        .optional(),
    })
    .passthrough(),
  user: z
    .object({ displayName: text(200).optional(), emailAddress: text(320).optional() })
    .passthrough()
    .optional(),
  comment: z
    .object({
      id: z.union([z.string().max(50), z.number()]).transform(String),
      body: z.unknown(),
      jsdPublic: z.boolean().optional(),
      author: z
        .object({ displayName: text(200).optional() })
        .passthrough()
        .optional(),
      created: z.string().max(50).optional(),
    })
    .passthrough()
    .optional(),
});

/** Jira: an issue labelled `escalate-<tier>` (and `signal-<id>`) escalates; a public comment is a customer update. */
export async function jiraEvent(body: unknown, desk: Desk): Promise<DeskEvent> {
  const said = parsed(jiraBody, body);
  const ticket = { system: 'jira', id: said.issue.key };
  if (said.webhookEvent === 'comment_created') {
    const comment = said.comment;
    if (comment?.jsdPublic !== true) return { kind: 'ignored', why: 'an internal comment' };
    const words = plainText(comment.body);
    return {
      kind: 'publicReply',
      ticket: { ...ticket, url: `${desk.baseUrl}/browse/${said.issue.key}` },
      reply: {
        id: comment.id,
        at: isoOr(comment.created),
        author: comment.author?.displayName ?? 'The agent',
        text: words,
      },
    };
  }
  if (said.webhookEvent !== 'jira:issue_created' && said.webhookEvent !== 'jira:issue_updated') {
    return { kind: 'ignored', why: `${said.webhookEvent} is not an event Escalation Desk acts on` };
  }
  const labels = said.issue.fields?.labels ?? [];
  const tier = labels.find((l) => l.startsWith('escalate-'))?.slice('escalate-'.length);
  if (!tier) return { kind: 'ignored', why: 'no escalate-<tier> label' };
  // An update escalates only when it adds the label: our own notes update the issue too, and
  // must not escalate it again once its escalation is closed.
  const label = `escalate-${tier}`;
  const labelled = said.changelog?.items.some(
    (i) => i.field === 'labels' && (i.toString ?? '').includes(label) && !(i.fromString ?? '').includes(label),
  );
  if (said.webhookEvent === 'jira:issue_updated' && !labelled) {
    return { kind: 'ignored', why: 'an update that does not add the escalate- label' };
  }
  const signals = labels.filter((l) => l.startsWith('signal-')).map((l) => l.slice('signal-'.length));
  const agent = { name: said.user?.displayName, email: said.user?.emailAddress };
  return fromDesk(desk, said.issue.key, false, { tier, signals, agent }, {});
}

const serviceNowBody = z.object({
  event: z.enum(['escalate', 'public_reply']),
  incident: z.object({
    sys_id: z.string().regex(/^[0-9a-f]{32}$/i, 'a 32-character sys_id'),
    number: z.string().regex(/^[A-Z]{2,8}\d{4,12}$/i, 'an incident number like INC0010023'),
    short_description: text(1000).optional(),
    description: text(20000).optional(),
    priority: text(40).optional(),
    company: text(200).optional(),
    url: z.string().url().max(2000).optional(),
  }),
  tier: text(50).optional(),
  signals: signalList,
  agent: agentSchema,
  comment: z
    .object({ id: text(100).optional(), text: text(20000), at: text(50).optional(), author: text(200).optional() })
    .optional(),
});

/** ServiceNow: the business rule sends the incident's fields and, for a reply, the comment. */
export function serviceNowEvent(body: unknown, baseUrl: string): DeskEvent {
  const said = parsed(serviceNowBody, body);
  const incident = said.incident;
  const ticket: Ticket = {
    system: 'servicenow',
    id: incident.number.toUpperCase(),
    url:
      sameSite(incident.url, baseUrl) ??
      `${baseUrl}/nav_to.do?uri=incident.do%3Fsys_id%3D${incident.sys_id.toLowerCase()}`,
  };
  if (said.event === 'public_reply') return publicReplyOf(ticket, said.comment, said.agent?.name);
  return {
    kind: 'escalate',
    ticket,
    tier: said.tier,
    signals: said.signals,
    agent: agentOf(said.agent, 'ServiceNow'),
    content: {
      ticket,
      summary: incident.short_description,
      description: incident.description,
      priority: incident.priority,
      customerNames: incident.company ? [incident.company] : [],
    },
    form: formOf(body as Record<string, unknown>),
  };
}

const genericBody = z
  .object({
    ticket: z.object({
      system: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, 'a lower-case name like "freshdesk"'),
      id: text(100).pipe(z.string().min(1)),
      url: z
        .string()
        .url()
        .max(2000)
        .refine((u) => /^https?:/i.test(u), 'an http(s) link')
        .optional(),
    }),
    event: z.enum(['escalate', 'public_reply']).optional(),
    requester: agentSchema,
    comment: z
      .object({ id: text(100).optional(), text: text(20000), at: text(50).optional(), author: text(200).optional() })
      .optional(),
  })
  .passthrough();

/** Any other desk: the POST /api/escalations body plus `ticket: {system, id, url}`. */
export function genericEvent(body: unknown): DeskEvent {
  const said = parsed(genericBody, body);
  const ticket: Ticket = {
    system: said.ticket.system,
    id: said.ticket.id,
    ...(said.ticket.url && { url: said.ticket.url }),
  };
  if (said.event === 'public_reply') return publicReplyOf(ticket, said.comment, said.requester?.name);
  const form = new Map<string, unknown>();
  for (const field of formInputs) if (Object.hasOwn(said, field)) form.set(field, asFormText(field, said[field]));
  return {
    kind: 'escalate',
    ticket,
    signals: [],
    agent: agentOf(said.requester, ticket.system),
    content: { ticket },
    form: formOf(Object.fromEntries(form)),
  };
}

/** Reads the ticket (or its latest public reply) from the desk. */
async function fromDesk(
  desk: Desk,
  id: string,
  reply: boolean,
  said: { tier?: string; signals: string[]; agent?: { name?: string; email?: string } },
  form: FormValues,
): Promise<DeskEvent> {
  const facts = await desk.readTicket(id);
  if (!facts) throw new UnknownTicket(`${label(desk.system)} does not know ticket ${id}`);
  if (reply) {
    const latest: PublicReply | undefined = facts.lastPublicReply ?? (await desk.latestPublicReply(id));
    if (!latest || isOwnNote(latest.text)) return { kind: 'ignored', why: 'no public reply but our own' };
    return { kind: 'publicReply', ticket: facts.ticket, reply: latest };
  }
  return {
    kind: 'escalate',
    ticket: facts.ticket,
    tier: said.tier,
    signals: said.signals,
    agent: agentOf(said.agent, facts.requester?.name ?? label(desk.system)),
    content: facts,
    form,
  };
}

function label(system: DeskSystem): string {
  return { zendesk: 'Zendesk', servicenow: 'ServiceNow', jira: 'Jira' }[system];
}

function isoOr(value: string | undefined): string {
  const parsedAt = value ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
  return Number.isNaN(parsedAt) ? new Date().toISOString() : new Date(parsedAt).toISOString();
}

/** A link the body gives, kept only when it points into the desk itself. */
function sameSite(url: string | undefined, baseUrl: string): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host === new URL(baseUrl).host ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON field as the form's text: lists of lines or of signals and names (comma-separated); what is neither is left out. */
function asFormText(field: string, value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (!Array.isArray(value)) return undefined;
  const items = value.map((item: unknown) => {
    if (typeof item === 'string' || typeof item === 'number') return String(item);
    const step = item as { action?: unknown; result?: unknown } | null;
    return typeof step?.action === 'string' && typeof step.result === 'string'
      ? `${step.action} -> ${step.result}`
      : undefined;
  });
  if (items.some((item) => item === undefined)) return undefined;
  return items.join(field === 'signals' || field === 'customerNames' ? ',' : '\n');
}

/** A reply the body carries (ServiceNow's, the generic route's): its id, or one made of its time and words. */
function publicReplyOf(
  ticket: Ticket,
  comment: { id?: string; text: string; at?: string; author?: string } | undefined,
  agent: string | undefined,
): DeskEvent {
  if (!comment) throw new WebhookBodyError('comment: a public_reply needs the comment ({text, at})');
  const at = isoOr(comment.at);
  const id = comment.id || `${at}:${comment.text.slice(0, 40)}`;
  return {
    kind: 'publicReply',
    ticket,
    reply: { id, at, author: comment.author || agent || 'The agent', text: comment.text },
  };
}
