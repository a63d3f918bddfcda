// A Bot Connector service on loopback: the far side of the bot, and the only thing faked.
// Tests put `fake.url` in the activities' serviceUrl, drive the real bot over HTTP, and
// assert on what the bot posted and updated here. Routes, methods and bodies are the ones
// botframework-connector's ConnectorClient and TeamsConnectorClient call
// (lib/connectorApi/operations/conversations.js, lib/teams/operations/teams.js); answers are
// shaped as Teams answers them (a new channel thread is `<channel>;messageid=<n>`).
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  allChannels,
  allPersonas,
  type ChannelFixture,
  channelOf,
  type Persona,
  personalConversationId,
  team,
  tenantId,
} from './teamsActivities';

export type ConnectorRoute =
  | 'createConversation'
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getConversationMembers'
  | 'getConversationPagedMembers'
  | 'getConversationMember'
  | 'getActivityMembers'
  | 'getTeamDetails'
  | 'getTeamChannels'
  | 'unknown';

/** One HTTP request the bot made, whatever the answer (injected faults and 404s included). */
export interface RecordedRequest {
  /** 1, 2, 3... in order of arrival. */
  seq: number;
  method: string;
  /** Decoded path below the service URL, e.g. `/v3/conversations/19:x@thread.tacv2/activities`. */
  path: string;
  /** The request target as received (encoded, with the service URL's path). */
  rawUrl: string;
  query: Record<string, string>;
  route: ConnectorRoute;
  conversationId?: string;
  activityId?: string;
  memberId?: string;
  teamId?: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: any;
  status: number;
  /** What the fake answered. */
  response: unknown;
  /** Answered by `failNext`. */
  injected: boolean;
  time: Date;
}

/** A new activity the bot posted: a created conversation's first activity, a send, or a reply. */
export interface PostedActivity {
  kind: 'create' | 'send' | 'reply';
  /** Where it lives: for `create` in a channel, the new thread `<channel>;messageid=<activityId>`. */
  conversationId: string;
  /** The id the fake gave it; use it with `conversationId` to update it. */
  activityId: string;
  /** The activity replied to, for `reply`. */
  replyToId?: string;
  /** The activity as posted. */
  activity: any;
  /** For `create`: the conversation parameters (isGroup, channelData, members, tenantId...) without `activity`. */
  parameters?: any;
  seq: number;
  time: Date;
}

/** An accepted PUT of an activity. */
export interface ActivityUpdate {
  conversationId: string;
  activityId: string;
  activity: any;
  seq: number;
  time: Date;
}

/** An activity as it is now: the latest version posted or put. */
export interface CurrentActivity {
  conversationId: string;
  activityId: string;
  activity: any;
  /** 1 as posted, +1 each update. */
  version: number;
  deleted: boolean;
  postedAt: Date;
  updatedAt: Date;
}

export interface PostedCard {
  conversationId: string;
  activityId: string;
  /** The Adaptive Card (first `application/vnd.microsoft.card.adaptive` attachment's content), as it is now. */
  card: any;
  activity: any;
  version: number;
}

/** A member of the roster as the Teams roster API returns it (TeamsChannelAccount). */
export interface RosterMember {
  id: string;
  name: string;
  aadObjectId: string;
  objectId?: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  /** Teams reports 'owner' for a team's owners in some tenants; ADMINS is the dependable way. */
  userRole?: 'owner' | 'user' | 'guest' | 'anonymous';
}

export interface TeamFixtureForFake {
  id: string;
  name: string;
  aadGroupId?: string;
  channels: { id: string; name: string | null }[];
}

export interface FailOptions {
  /** Sends `Retry-After: <seconds>` (what Teams sends with 429). */
  retryAfterSeconds?: number;
  /** Sends `retry-after-ms` (botbuilder's HTTP pipeline honours it too; keeps tests fast). */
  retryAfterMs?: number;
  /** Only requests for which this is true are failed (and counted); others are answered normally. */
  match?: (request: RecordedRequest) => boolean;
  /** Error body; defaults to `{error: {code, message}}` as the Bot Connector answers. */
  body?: unknown;
}

export interface FakeConnectorOptions {
  /** Path of the service URL, like Teams' `https://smba.trafficmanager.net/amer/`. Default `/amer/`. */
  basePath?: string;
  /** The roster of every conversation that has none of its own in `rosters`. */
  members?: RosterMember[];
  /** Rosters of particular conversations (a channel, a team by its id): who Teams says is in them. */
  rosters?: Record<string, RosterMember[]>;
  teams?: TeamFixtureForFake[];
  /**
   * Answer 404 to an update or delete of an activity the fake never saw posted (Teams refuses
   * an id it does not know; the exact error code here is the fake's): a bot that updates the
   * wrong id should fail here, not in production. Default true.
   */
  strictActivities?: boolean;
  /** Bodies larger than this answer 413 (Teams' limit for a bot message is about 100 KB). */
  maxBodyBytes?: number;
}

interface Fault {
  remaining: number;
  status: number;
  options: FailOptions;
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

function connectorError(status: number, code: string, message: string): HttpAnswer {
  return new HttpAnswer(status, { error: { code, message } });
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The first Adaptive Card attached to an activity, or undefined. */
export function adaptiveCardOf(activity: any): any {
  const attachments: any[] = Array.isArray(activity?.attachments) ? activity.attachments : [];
  return attachments.find((a) => a?.contentType === ADAPTIVE_CARD)?.content;
}

/** Roster entries as Teams returns them; Lena Lead owns the test team. */
export function rosterFrom(personas: Persona[]): RosterMember[] {
  return personas.map((p) => ({
    id: p.id,
    name: p.name,
    aadObjectId: p.aadObjectId,
    objectId: p.aadObjectId,
    email: p.email,
    userPrincipalName: p.email,
    givenName: p.givenName,
    surname: p.surname,
    tenantId,
    userRole: p.id === '29:1lena-lead' ? 'owner' : 'user',
  }));
}

function defaultTeams(channels: ChannelFixture[]): TeamFixtureForFake[] {
  return [
    {
      id: team.id,
      name: team.name,
      aadGroupId: team.aadGroupId,
      channels: channels.filter((c) => c.teamId === team.id).map((c) => ({ id: c.id, name: c.name })),
    },
  ];
}

// `conversationId` given by a test matches an activity's conversation when equal, or when
// the test names a channel and the activity is in one of its threads.
function inConversation(activityConversationId: string, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  return (
    activityConversationId === wanted || (wanted === channelOf(wanted) && channelOf(activityConversationId) === wanted)
  );
}

function keyOf(conversationId: string, activityId: string): string {
  return `${channelOf(conversationId)}\u0000${activityId}`;
}

function preview(value: unknown, max = 160): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export class FakeConnector {
  /** The serviceUrl to put in activities sent to the bot (ends with `/`, as Teams' does). */
  readonly url: string;
  /** Who GET .../members answers with where a conversation has no roster of its own; replace or push to change. */
  members: RosterMember[];
  /** Rosters by conversation (a channel, or a team by its id); a thread is its channel's. */
  rosters: Map<string, RosterMember[]>;
  /** What GET /v3/teams/{id} and /conversations answer with. */
  teams: TeamFixtureForFake[];

  private readonly basePath: string;
  private readonly strictActivities: boolean;
  private readonly maxBodyBytes: number;
  private recorded: RecordedRequest[] = [];
  private posted: PostedActivity[] = [];
  private updated: ActivityUpdate[] = [];
  private deleted: { conversationId: string; activityId: string; seq: number; time: Date }[] = [];
  private current = new Map<string, CurrentActivity>();
  private faults: Fault[] = [];
  private seq = 0;
  private nextId = 1_760_000_000_000;

  private constructor(
    private readonly server: Server,
    port: number,
    options: FakeConnectorOptions,
  ) {
    const basePath = `/${(options.basePath ?? '/amer/').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
    this.basePath = basePath;
    this.url = `http://127.0.0.1:${port}${basePath}`;
    this.members = options.members ?? rosterFrom(allPersonas);
    this.rosters = new Map(Object.entries(options.rosters ?? {}));
    this.teams = options.teams ?? defaultTeams(allChannels);
    this.strictActivities = options.strictActivities ?? true;
    this.maxBodyBytes = options.maxBodyBytes ?? 100 * 1024;
  }

  static async start(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
    let fake: FakeConnector | undefined;
    const server = createServer((req, res) => {
      fake?.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake = new FakeConnector(server, (server.address() as AddressInfo).port, options);
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Forgets everything recorded, every activity and pending fault, and restarts `seq` at 1; members and teams stay. */
  reset(): void {
    this.recorded = [];
    this.posted = [];
    this.updated = [];
    this.deleted = [];
    this.current.clear();
    this.faults = [];
    this.seq = 0;
  }

  /** Every request, in order of arrival, failed ones included. */
  get requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  /** Accepted new activities, in order; `conversationId` a channel id includes its threads. */
  posts(conversationId?: string): PostedActivity[] {
    return this.posted.filter((p) => inConversation(p.conversationId, conversationId));
  }

  /** Accepted updates (PUT), in order. */
  updates(conversationId?: string, activityId?: string): ActivityUpdate[] {
    return this.updated.filter(
      (u) =>
        inConversation(u.conversationId, conversationId) && (activityId === undefined || u.activityId === activityId),
    );
  }

  /** Accepted deletes, in order. */
  deletes(): { conversationId: string; activityId: string; seq: number; time: Date }[] {
    return [...this.deleted];
  }

  /** The activity as it is now (latest version); undefined if never posted. A channel id finds its threads' activities. */
  activity(conversationId: string, activityId: string): any {
    return this.current.get(keyOf(conversationId, activityId))?.activity;
  }

  /** The activity with its version and deleted flag. */
  state(conversationId: string, activityId: string): CurrentActivity | undefined {
    return this.current.get(keyOf(conversationId, activityId));
  }

  /** Every activity as it is now, in posting order. */
  activities(conversationId?: string): CurrentActivity[] {
    return [...this.current.values()].filter((a) => inConversation(a.conversationId, conversationId));
  }

  /** The Adaptive Card of an activity as it is now. */
  card(conversationId: string, activityId: string): any {
    return adaptiveCardOf(this.activity(conversationId, activityId));
  }

  /** Cards (as they are now, not deleted) in a conversation, or a channel and its threads, in posting order. */
  cardsIn(conversationId?: string): PostedCard[] {
    return this.activities(conversationId)
      .filter((a) => !a.deleted && adaptiveCardOf(a.activity) !== undefined)
      .map((a) => ({
        conversationId: a.conversationId,
        activityId: a.activityId,
        card: adaptiveCardOf(a.activity),
        activity: a.activity,
        version: a.version,
      }));
  }

  /**
   * The next `count` requests (that `options.match` accepts) answer `status` instead, e.g.
   * 429 with Retry-After, or 500/503; then normal answers resume. Calls queue up.
   */
  failNext(count: number, status: number, options: FailOptions = {}): void {
    if (count > 0) this.faults.push({ remaining: count, status, options });
  }

  /** Teams is back: forget the faults not yet answered, keep everything recorded. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Faults still waiting for a request. */
  pendingFaults(): number {
    return this.faults.reduce((sum, f) => sum + f.remaining, 0);
  }

  /**
   * Polls until `predicate(this)` returns something truthy and resolves with it; rejects after
   * `timeoutMs` listing what was recorded. A predicate that throws counts as "not yet" (so an
   * assertion can be the predicate); its last error is in the rejection.
   */
  async waitFor<T>(
    predicate: (fake: FakeConnector) => T | undefined | null | false | '' | 0,
    timeoutMs = 5000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = predicate(this);
        if (value) return value;
        lastError = undefined;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const why = lastError instanceof Error ? `\nlast predicate error: ${lastError.message}` : '';
    throw new Error(`FakeConnector.waitFor: condition not met within ${timeoutMs} ms.${why}\n${this.describe()}`);
  }

  /** What was recorded, one line a request: for failure messages. */
  describe(): string {
    if (this.recorded.length === 0) return 'The bot made no requests to the Bot Connector.';
    const lines = this.recorded.map((r) => {
      const ids = [r.conversationId && `conversation ${r.conversationId}`, r.activityId && `activity ${r.activityId}`]
        .filter(Boolean)
        .join(', ');
      const body = r.body?.activity ?? r.body;
      const what = body?.text ?? (adaptiveCardOf(body) ? `card ${preview(adaptiveCardOf(body))}` : preview(body));
      return `  #${r.seq} ${r.method} ${r.path} -> ${r.status}${r.injected ? ' (injected)' : ''}${ids ? ` [${ids}]` : ''}${what ? ` ${preview(what)}` : ''}`;
    });
    return `Requests to the Bot Connector:\n${lines.join('\n')}`;
  }

  private newActivityId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const seq = ++this.seq;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    let body: any;
    let badJson = false;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        badJson = true;
      }
    }
    const target = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      seq,
      method: req.method ?? 'GET',
      path: target.pathname,
      rawUrl: req.url ?? '/',
      query: Object.fromEntries(target.searchParams),
      route: 'unknown',
      headers: req.headers,
      body,
      status: 0,
      response: undefined,
      injected: false,
      time: new Date(),
    };
    // Collapse `//` (a serviceUrl joined by hand) the way a real front end would not; then require the base path.
    const pathname = target.pathname.replace(/\/{2,}/g, '/');
    const underBase = pathname.startsWith(this.basePath);
    const segments = underBase
      ? pathname
          .slice(this.basePath.length)
          .split('/')
          .filter((s) => s !== '')
          .map((s) => {
            try {
              return decodeURIComponent(s);
            } catch {
              return s;
            }
          })
      : [];
    if (underBase) record.path = `/${segments.join('/')}`;
    this.classify(record, segments, underBase);

    let answer: HttpAnswer;
    const headers: Record<string, string> = {};
    const fault = this.takeFault(record);
    if (fault) {
      record.injected = true;
      if (fault.options.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(fault.options.retryAfterSeconds);
      if (fault.options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.options.retryAfterMs);
      answer = new HttpAnswer(
        fault.status,
        fault.options.body ?? {
          error: {
            code: fault.status === 429 ? 'TooManyRequests' : fault.status >= 500 ? 'ServiceError' : 'BadRequest',
            message: `injected by FakeConnector.failNext (${fault.status})`,
          },
        },
      );
    } else if (badJson) {
      answer = connectorError(400, 'BadSyntax', 'The request body is not valid JSON.');
    } else if (raw.length > this.maxBodyBytes && record.method !== 'GET') {
      answer = connectorError(
        413,
        'MessageSizeTooBig',
        `The message is ${raw.length} bytes; the limit is ${this.maxBodyBytes}.`,
      );
    } else {
      answer = this.answer(record);
    }
    record.status = answer.status;
    record.response = answer.body;
    this.recorded.push(record);
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'content-length': String(Buffer.byteLength(payload)),
      ...headers,
    });
    res.end(payload);
  }

  private takeFault(record: RecordedRequest): Fault | undefined {
    const fault = this.faults.find((f) => !f.options.match || f.options.match(record));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  private classify(record: RecordedRequest, s: string[], underBase: boolean): void {
    if (!underBase || s[0] !== 'v3') return;
    const method = record.method;
    if (s[1] === 'conversations') {
      if (s.length === 2 && method === 'POST') record.route = 'createConversation';
      if (s.length < 3) return;
      record.conversationId = s[2];
      const [, , , a, b, c] = s;
      if (a === 'activities' && s.length === 4 && method === 'POST') record.route = 'sendToConversation';
      else if (a === 'activities' && s.length === 5 && b !== 'history') {
        record.activityId = b;
        if (method === 'POST') record.route = 'replyToActivity';
        else if (method === 'PUT') record.route = 'updateActivity';
        else if (method === 'DELETE') record.route = 'deleteActivity';
      } else if (a === 'activities' && s.length === 6 && c === 'members' && method === 'GET') {
        record.activityId = b;
        record.route = 'getActivityMembers';
      } else if (a === 'members' && s.length === 4 && method === 'GET') record.route = 'getConversationMembers';
      else if (a === 'pagedmembers' && s.length === 4 && method === 'GET') record.route = 'getConversationPagedMembers';
      else if (a === 'members' && s.length === 5 && method === 'GET') {
        record.memberId = b;
        record.route = 'getConversationMember';
      }
    } else if (s[1] === 'teams' && s.length >= 3 && method === 'GET') {
      record.teamId = s[2];
      if (s.length === 3) record.route = 'getTeamDetails';
      else if (s.length === 4 && s[3] === 'conversations') record.route = 'getTeamChannels';
    }
  }

  private answer(r: RecordedRequest): HttpAnswer {
    switch (r.route) {
      case 'createConversation':
        return this.createConversation(r);
      case 'sendToConversation':
      case 'replyToActivity':
        return this.postActivity(r);
      case 'updateActivity':
        return this.updateActivity(r);
      case 'deleteActivity':
        return this.deleteActivity(r);
      case 'getConversationMembers':
      case 'getActivityMembers':
        return new HttpAnswer(200, this.rosterOf(r.conversationId));
      case 'getConversationPagedMembers':
        return this.pagedMembers(r);
      case 'getConversationMember':
        return this.member(r.memberId ?? '', r.conversationId);
      case 'getTeamDetails':
      case 'getTeamChannels':
        return this.teamAnswer(r);
      default:
        return connectorError(404, 'NotFound', `FakeConnector has no route for ${r.method} ${r.path}`);
    }
  }

  private remember(post: PostedActivity): void {
    this.posted.push(post);
    this.current.set(keyOf(post.conversationId, post.activityId), {
      conversationId: post.conversationId,
      activityId: post.activityId,
      activity: post.activity,
      version: 1,
      deleted: false,
      postedAt: post.time,
      updatedAt: post.time,
    });
  }

  private createConversation(r: RecordedRequest): HttpAnswer {
    const parameters = r.body;
    if (!parameters || typeof parameters !== 'object') {
      return connectorError(400, 'BadArgument', 'Conversation parameters are required.');
    }
    const { activity, ...rest } = parameters;
    const channelId: string | undefined = parameters.channelData?.channel?.id ?? parameters.channelData?.teamsChannelId;
    if (channelId) {
      // A new thread in a channel: Teams answers the thread's id and the root post's id.
      if (!activity || typeof activity !== 'object') {
        return connectorError(400, 'BadArgument', 'Starting a thread in a channel needs an activity to post.');
      }
      const activityId = this.newActivityId();
      const conversationId = `${channelId};messageid=${activityId}`;
      this.remember({
        kind: 'create',
        conversationId,
        activityId,
        activity,
        parameters: rest,
        seq: r.seq,
        time: r.time,
      });
      r.conversationId = conversationId;
      r.activityId = activityId;
      return new HttpAnswer(201, { id: conversationId, activityId });
    }
    const members: { id?: string }[] = Array.isArray(parameters.members) ? parameters.members : [];
    const first = members[0]?.id;
    if (members.length !== 1 || !first) {
      return connectorError(
        400,
        'BadArgument',
        'Teams creates a 1:1 conversation with exactly one member, or a channel thread with channelData.channel.id.',
      );
    }
    const known = this.members.find((m) => m.id === first || m.aadObjectId === first);
    const conversationId = personalConversationId({ id: known?.id ?? first });
    r.conversationId = conversationId;
    if (activity && typeof activity === 'object') {
      const activityId = this.newActivityId();
      this.remember({
        kind: 'create',
        conversationId,
        activityId,
        activity,
        parameters: rest,
        seq: r.seq,
        time: r.time,
      });
      r.activityId = activityId;
      return new HttpAnswer(201, { id: conversationId, activityId });
    }
    return new HttpAnswer(201, { id: conversationId });
  }

  private postActivity(r: RecordedRequest): HttpAnswer {
    const activity = r.body;
    if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string') {
      return connectorError(400, 'BadArgument', 'The activity needs a type.');
    }
    const conversationId = r.conversationId ?? '';
    const activityId = this.newActivityId();
    const replyToId = r.route === 'replyToActivity' ? r.activityId : undefined;
    this.remember({
      kind: replyToId ? 'reply' : 'send',
      conversationId,
      activityId,
      ...(replyToId ? { replyToId } : {}),
      activity,
      seq: r.seq,
      time: r.time,
    });
    return new HttpAnswer(201, { id: activityId });
  }

  private updateActivity(r: RecordedRequest): HttpAnswer {
    const activity = r.body;
    const conversationId = r.conversationId ?? '';
    const activityId = r.activityId ?? '';
    if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string') {
      return connectorError(400, 'BadArgument', 'The activity needs a type.');
    }
    const key = keyOf(conversationId, activityId);
    const existing = this.current.get(key);
    if ((!existing && this.strictActivities) || existing?.deleted) {
      return connectorError(
        404,
        'ActivityNotFoundInConversation',
        `No activity ${activityId} in conversation ${conversationId} (posts here got ids like ${this.posted
          .slice(-3)
          .map((p) => `${p.conversationId} / ${p.activityId}`)
          .join(', ')}).`,
      );
    }
    this.current.set(key, {
      conversationId: existing?.conversationId ?? conversationId,
      activityId,
      activity,
      version: (existing?.version ?? 0) + 1,
      deleted: false,
      postedAt: existing?.postedAt ?? r.time,
      updatedAt: r.time,
    });
    this.updated.push({ conversationId, activityId, activity, seq: r.seq, time: r.time });
    return new HttpAnswer(200, { id: activityId });
  }

  private deleteActivity(r: RecordedRequest): HttpAnswer {
    const conversationId = r.conversationId ?? '';
    const activityId = r.activityId ?? '';
    const existing = this.current.get(keyOf(conversationId, activityId));
    if (!existing && this.strictActivities) {
      return connectorError(404, 'ActivityNotFoundInConversation', `No activity ${activityId} in ${conversationId}.`);
    }
    if (existing) existing.deleted = true;
    this.deleted.push({ conversationId, activityId, seq: r.seq, time: r.time });
    return new HttpAnswer(200, undefined);
  }

  private pagedMembers(r: RecordedRequest): HttpAnswer {
    // Teams treats page sizes under 50 as 50 and caps them at 500.
    const requested = Number(r.query.pageSize ?? 200);
    const pageSize = Math.min(500, Math.max(50, Number.isFinite(requested) ? requested : 200));
    const start = Number(r.query.continuationToken ?? 0) || 0;
    const roster = this.rosterOf(r.conversationId);
    const members = roster.slice(start, start + pageSize);
    const next = start + pageSize < roster.length ? String(start + pageSize) : undefined;
    return new HttpAnswer(200, { members, ...(next ? { continuationToken: next } : {}) });
  }

  /** Who is in a conversation: its own roster, its channel's (for a thread), or everyone. */
  rosterOf(conversationId: string | undefined): RosterMember[] {
    return (conversationId && this.rosters.get(channelOf(conversationId))) || this.members;
  }

  private member(memberId: string, conversationId: string | undefined): HttpAnswer {
    const wanted = memberId.toLowerCase();
    const found = this.rosterOf(conversationId).find(
      (m) =>
        m.id === memberId ||
        m.aadObjectId.toLowerCase() === wanted ||
        m.userPrincipalName?.toLowerCase() === wanted ||
        m.email?.toLowerCase() === wanted,
    );
    return found
      ? new HttpAnswer(200, found)
      : connectorError(
          404,
          'MemberNotFoundInConversation',
          `The user ${memberId} is not a member of this conversation.`,
        );
  }

  private teamAnswer(r: RecordedRequest): HttpAnswer {
    const teamId = r.teamId ?? '';
    const found = this.teams.find((t) => t.id === teamId);
    if (!found) return connectorError(404, 'NotFound', `No team ${teamId}.`);
    if (r.route === 'getTeamChannels') {
      return new HttpAnswer(200, { conversations: found.channels.map((c) => ({ id: c.id, name: c.name })) });
    }
    return new HttpAnswer(200, {
      id: found.id,
      name: found.name,
      aadGroupId: found.aadGroupId,
      channelCount: found.channels.length,
      memberCount: this.members.length,
      type: 'standard',
    });
  }
}
