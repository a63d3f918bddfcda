// Zendesk, ServiceNow and Jira Service Management on loopback: the far side of reading a ticket
// and writing a note back, and the only thing faked. Each answers the few REST calls
// src/helpdesk/*.ts make, in the desk's own shapes (its 404s, ServiceNow's display values and
// encoded queries, Jira's pages of comments), checks Basic auth, keeps a note written as a comment
// on its ticket (public unless the request said otherwise, as the real desks do), and records
// every request. A test can take the desk down or queue one canned answer (a 429 with Retry-After).
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeskSystem } from '../../src/domain/tickets';
import type { DeskConnection } from '../../src/helpdesk/config';

export type DeskRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: any;
};
export type NoteWritten = { ticketId: string; body: string; public: boolean };
/** One answer given instead of the desk's own: to the next request, or the next with `method`. */
export type CannedAnswer = { status: number; headers?: Record<string, string>; body?: unknown; method?: string };
type Answer = [status: number, body?: unknown];
type Row = Record<string, unknown>;

abstract class FakeDesk {
  url = '';
  readonly requests: DeskRequest[] = [];
  readonly notes: NoteWritten[] = [];
  /** Set: every request answers this status (503: the desk is down). */
  downWith: number | undefined;
  private readonly canned: CannedAnswer[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.handle(req, res).catch((error) => res.writeHead(500).end(String(error)));
  });

  constructor(
    readonly system: DeskSystem,
    readonly user: string,
    readonly secret: string,
  ) {}

  /** What Escalation Desk is configured with to reach this desk. */
  connection(): DeskConnection {
    const webhookSecret = `whsec_${Buffer.alloc(32, this.system).toString('base64')}`;
    return { system: this.system, baseUrl: this.url, user: this.user, secret: this.secret, webhookSecret };
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  answerNext(answer: CannedAnswer): void {
    this.canned.push(answer);
  }

  /** The Basic auth user the desk expects (Zendesk's API tokens: `email/token`). */
  protected basicUser(): string {
    return this.user;
  }

  protected abstract answer(request: DeskRequest): Answer;

  protected note(ticketId: string, body: string, isPublic: boolean): void {
    this.notes.push({ ticketId, body, public: isPublic });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: DeskRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(request);
    const at = this.canned.findIndex((c) => c.method === undefined || c.method === request.method);
    const canned = at >= 0 ? this.canned.splice(at, 1)[0] : undefined;
    const expected = `Basic ${Buffer.from(`${this.basicUser()}:${this.secret}`).toString('base64')}`;
    const [status, body]: Answer = canned
      ? [canned.status, canned.body]
      : this.downWith !== undefined
        ? [this.downWith, { error: 'Service Unavailable' }]
        : req.headers.authorization !== expected
          ? [401, { error: "Couldn't authenticate you" }]
          : this.answer(request);
    res.writeHead(status, { 'content-type': 'application/json', ...canned?.headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
}

export type ZendeskPerson = { id: number; name: string; email?: string };
export type ZendeskComment = { id: number; public: boolean; body: string; author: ZendeskPerson; created_at: string };
export type ZendeskTicket = {
  id: number;
  subject: string;
  description: string;
  priority: string | null;
  organization?: string;
  requester: ZendeskPerson;
  comments: ZendeskComment[];
};

export class FakeZendesk extends FakeDesk {
  readonly tickets = new Map<string, ZendeskTicket>();
  private readonly agent: ZendeskPerson;

  constructor(user = 'agent@acme.test', secret = 'zendesk-api-token') {
    super('zendesk', user, secret);
    this.agent = { id: 900, name: 'Escalation Desk agent', email: user };
  }

  addTicket(ticket: ZendeskTicket): void {
    this.tickets.set(String(ticket.id), ticket);
  }

  protected override basicUser(): string {
    return `${this.user}/token`;
  }

  protected answer({ method, path, query, body }: DeskRequest): Answer {
    const [, id = '', comments] = /^\/api\/v2\/tickets\/(\d+)(\/comments)?\.json$/.exec(path) ?? [];
    const ticket = this.tickets.get(id);
    if (!ticket) return [404, { error: 'RecordNotFound', description: 'Not found' }];
    if (method === 'GET' && comments) {
      const newestFirst = query.sort_order === 'desc' ? [...ticket.comments].reverse() : ticket.comments;
      const shown = newestFirst.map(({ author, ...c }) => ({ ...c, author_id: author.id, plain_body: c.body }));
      return [200, { comments: shown, users: query.include === 'users' ? ticket.comments.map((c) => c.author) : [] }];
    }
    if (method === 'GET') return [200, this.ticketJson(ticket, query.include ?? '')];
    if (method !== 'PUT' || typeof body?.ticket?.comment?.body !== 'string') return [400, { error: 'InvalidEndpoint' }];
    // Zendesk makes a comment public unless the request says it is not.
    const comment = {
      id: 7000 + this.notes.length,
      public: body.ticket.comment.public !== false,
      body: body.ticket.comment.body,
    };
    ticket.comments.push({ ...comment, author: this.agent, created_at: new Date().toISOString() });
    this.note(id, comment.body, comment.public);
    return [200, this.ticketJson(ticket, '')];
  }

  private ticketJson(ticket: ZendeskTicket, include: string): object {
    const organization = ticket.organization ? { id: 360_000 + ticket.id, name: ticket.organization } : undefined;
    const { requester, organization: _, comments: __, ...fields } = ticket;
    return {
      ticket: { ...fields, requester_id: requester.id, organization_id: organization?.id ?? null },
      ...(include.includes('users') && { users: [requester, this.agent] }),
      ...(include.includes('organizations') && { organizations: organization ? [organization] : [] }),
    };
  }
}

/** sys_created_on: "YYYY-MM-DD HH:MM:SS", UTC; sys_created_by: a user_name. */
export type JournalEntry = {
  sys_id: string;
  element: 'comments' | 'work_notes';
  value: string;
  sys_created_on: string;
  sys_created_by: string;
};
export type Incident = {
  sys_id: string;
  number: string;
  short_description: string;
  description: string;
  priority: '1' | '2' | '3' | '4' | '5';
  company?: string;
  caller?: { name: string; user_name: string };
  journal: JournalEntry[];
};

const priorities = { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' };

export class FakeServiceNow extends FakeDesk {
  readonly incidents = new Map<string, Incident>();

  constructor(user = 'escalation.desk', secret = 'servicenow-password') {
    super('servicenow', user, secret);
  }

  addIncident(incident: Incident): void {
    this.incidents.set(incident.sys_id, incident);
  }

  protected answer({ method, path, query, body }: DeskRequest): Answer {
    if (method === 'GET' && path === '/api/now/table/incident') {
      const rows = [...this.incidents.values()].map((i) => this.row(i, query.sysparm_display_value === 'true'));
      return [200, { result: selected(rows, query) }];
    }
    if (method === 'GET' && path === '/api/now/table/sys_journal_field') {
      const rows = [...this.incidents.values()].flatMap((i) => i.journal.map((j) => ({ ...j, element_id: i.sys_id })));
      return [200, { result: selected(rows, query) }];
    }
    const incident = this.incidents.get(/^\/api\/now\/table\/incident\/(\w+)$/.exec(path)?.[1] ?? '');
    if (method !== 'PATCH' || !incident) return [404, { error: { message: 'No Record found' }, status: 'failure' }];
    // A work note is internal; an additional comment ("comments") is emailed to the caller.
    for (const element of ['work_notes', 'comments'] as const) {
      if (typeof body?.[element] !== 'string') continue;
      const sys_created_on = new Date().toISOString().slice(0, 19).replace('T', ' ');
      const entry = { sys_id: `note${this.notes.length}`, element, value: body[element], sys_created_on };
      incident.journal.push({ ...entry, sys_created_by: this.user });
      this.note(incident.number, body[element], element === 'comments');
    }
    return [200, { result: this.row(incident, false) }];
  }

  /** An incident as the Table API gives it: references as {display_value, link} or {link, value}. */
  private row(incident: Incident, display: boolean): Row {
    const reference = (name: string | undefined, table: string) => {
      if (!name) return '';
      const link = `${this.url}/api/now/table/${table}/${Buffer.from(name).toString('hex').slice(0, 32)}`;
      return display ? { display_value: name, link } : { link, value: link.split('/').pop() };
    };
    const { journal: _, caller, company, ...fields } = incident;
    return {
      ...fields,
      priority: display ? priorities[incident.priority] : incident.priority,
      company: reference(company, 'core_company'),
      caller_id: reference(caller?.name, 'sys_user'),
      'caller_id.user_name': caller?.user_name ?? '',
    };
  }
}

/** A Table API query: `field=value` conditions joined by ^, ORDERBY/ORDERBYDESC, sysparm_limit and sysparm_fields. */
function selected(rows: Row[], query: Record<string, string>): Row[] {
  let chosen = rows;
  for (const term of (query.sysparm_query ?? '').split('^').filter(Boolean)) {
    const [, descending, by = ''] = /^ORDERBY(DESC)?(\w+)$/.exec(term) ?? [];
    const [field = '', value] = term.split('=');
    const order = (a: Row, b: Row) => String(a[by]).localeCompare(String(b[by])) * (descending ? -1 : 1);
    chosen = by ? [...chosen].sort(order) : chosen.filter((row) => String(row[field]) === value);
  }
  const fields = query.sysparm_fields?.split(',');
  chosen = chosen.slice(0, Number(query.sysparm_limit ?? 10_000));
  return fields ? chosen.map((row) => Object.fromEntries(fields.map((f) => [f, row[f] ?? '']))) : chosen;
}

export type JiraPerson = { accountId: string; displayName: string; emailAddress?: string };
/** created: ISO time, as Jira gives it (with its offset). */
export type JiraComment = { id: string; body: string; public: boolean; author: JiraPerson; created: string };
/** description: Atlassian Document Format. */
export type JiraIssue = {
  key: string;
  summary: string;
  description: unknown;
  priority: string;
  organizations: string[];
  reporter: JiraPerson;
  labels: string[];
  comments: JiraComment[];
};

export class FakeJira extends FakeDesk {
  readonly issues = new Map<string, JiraIssue>();
  private readonly agent: JiraPerson;

  constructor(user = 'agent@acme.test', secret = 'jira-api-token') {
    super('jira', user, secret);
    this.agent = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Escalation Desk agent', emailAddress: user };
  }

  addIssue(issue: JiraIssue): void {
    this.issues.set(issue.key, issue);
  }

  protected answer({ method, path, query, body }: DeskRequest): Answer {
    const [, api, key = ''] =
      /^\/rest\/(api\/3\/issue|servicedeskapi\/request)\/([^/]+)(?:\/comment)?$/.exec(path) ?? [];
    const issue = this.issues.get(key);
    if (!issue && api === 'api/3/issue') return [404, { errorMessages: ['Issue does not exist.'], errors: {} }];
    if (!issue) return [404, { errorMessage: 'The request does not exist.' }];
    if (api === 'api/3/issue') return [200, this.issueJson(issue, (query.fields ?? '').split(','))];
    if (method === 'POST' && typeof body?.body === 'string') {
      // A comment is public unless the request says it is not.
      const comment = { id: String(10_000 + this.notes.length), body: body.body, public: body.public !== false };
      issue.comments.push({ ...comment, author: this.agent, created: new Date().toISOString() });
      this.note(key, comment.body, comment.public);
      return [201, comment];
    }
    const wanted = issue.comments.filter((c) => (c.public ? query.public !== 'false' : query.internal !== 'false'));
    const start = Number(query.start ?? 0);
    const limit = Number(query.limit ?? 50);
    const values = wanted.slice(start, start + limit).map(commentJson);
    return [200, { size: values.length, start, limit, isLastPage: start + limit >= wanted.length, values }];
  }

  private issueJson(issue: JiraIssue, wanted: string[]): object {
    const fields: Row = {
      summary: issue.summary,
      description: issue.description,
      priority: { id: '2', name: issue.priority },
      reporter: issue.reporter,
      labels: issue.labels,
      organizations: issue.organizations.map((name, i) => ({ id: String(i + 1), name })),
    };
    return {
      id: '10042',
      key: issue.key,
      fields: Object.fromEntries(wanted.filter((f) => f in fields).map((f) => [f, fields[f]])),
    };
  }
}

function commentJson(comment: JiraComment): object {
  return { ...comment, created: { iso8601: comment.created, epochMillis: Date.parse(comment.created) } };
}

const envNames: Record<DeskSystem, [url: string, user: string, secret: string, webhook: string]> = {
  zendesk: ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN', 'ZENDESK_WEBHOOK_SECRET'],
  servicenow: ['SERVICENOW_URL', 'SERVICENOW_USER', 'SERVICENOW_PASSWORD', 'SERVICENOW_WEBHOOK_SECRET'],
  jira: ['JIRA_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_WEBHOOK_SECRET'],
};

/** The environment that connects Escalation Desk to these fake desks (started first). */
export function deskEnv(...desks: { connection(): DeskConnection }[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const desk of desks) {
    const c = desk.connection();
    const [url, user, secret, webhook] = envNames[c.system];
    Object.assign(env, { [url]: c.baseUrl, [user]: c.user, [secret]: c.secret, [webhook]: c.webhookSecret });
  }
  return env;
}
