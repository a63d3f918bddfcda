// The board's JSON routes (src/http/boardRoutes.ts; an escalation's detail, src/http/escalationRoutes.ts),
// as the page calls them: every request says who is looking (a Teams token, or in local mode the
// person picked), and every refusal becomes an ApiError carrying the server's sentence.
import type { ReaderFollows } from '../app/following';
import type { BoardCharts, BoardQueue } from '../app/ports';
import type { BriefSection } from '../domain/briefSections';
import type { Offers } from '../domain/offers';
import type { SlaState } from '../domain/sla';
import { type VerbKey, verbs } from '../domain/verbs';
import type { Severity, SlaStatus, Status, Target } from '../domain/vocabulary';

/** What the page starts from: the server's mode and how people sign in (served in the page). */
export interface TabSettings {
  localMode: boolean;
  sso: { clientId: string; appIdUri: string; authorityHost: string } | null;
  publicUrl: string;
}

/** What the URL asks for: "My escalations" (?view=mine) or one tier's board (?tier=, the channel tab). */
export interface BoardView {
  /** "My escalations": what the person raised or owns. */
  mine: boolean;
  /** The channel tab's tier. */
  tier?: Target;
}

/** The queue's query: the view, the filters set (empty ones left out), and how many rows. */
export function queueQuery(view: BoardView, filters: Record<string, string>, limit: number): URLSearchParams {
  const params = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  if (view.mine) params.set('mine', 'true');
  return params;
}

/** The first page of the queue holds this many rows ("Show more" adds as many). */
export const queuePage = 100;

export interface PersonRef {
  id?: string;
  name: string;
}

/** The help-desk ticket an escalation came from (domain/tickets.ts Ticket, as the JSON carries it). */
export interface TicketRef {
  system: string;
  id: string;
  url: string | null;
}

export interface Summary {
  id: string;
  summary: string;
  severity: Severity;
  target: Target;
  status: Status;
  owner: PersonRef | null;
  requester: PersonRef;
  customersAffected: number;
  /** Only when it came from (or names) a help-desk ticket. */
  ticket?: TicketRef;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface QueueItem extends Summary {
  sla: { status: SlaStatus; next: string | null; dueAt: string | null };
}

/** The queue's page and its counts (app/ports.ts BoardQueue), each escalation as a row. */
export interface Queue extends Omit<BoardQueue, 'items'> {
  items: QueueItem[];
}

export interface Detail extends Summary {
  /** The brief as every surface lays it out (domain/briefSections.ts). */
  sections: BriefSection[];
  sla: SlaState;
  /** `link`: a message saved from Teams (domain/savedMessage.ts). */
  timeline: { version: number; at: string; actor: PersonRef; kind: string; text: string; link?: string }[];
  linked: { id: string; summary: string; status: Status }[];
  /** The buttons this person gets (domain/offers.ts); null when no person is looking. */
  offers: Offers | null;
  teamsLink: string | null;
  /** Swarm and Meet now as Teams deep links while it is open (domain/swarm.ts swarmLinks). */
  swarm: { chat: string; meeting: string } | null;
  /** How many follow it, and how the reader does (null when no person is looking). */
  following: { count: number; you: ReaderFollows | null };
}

/** The verbs the board may send: those the verb table marks `onBoard`. */
export type BoardVerb = Extract<(typeof verbs)[VerbKey], { onBoard: true }>;

/** What a verb's data carries: the inputs the verb table says it reads. */
export type VerbData<V extends BoardVerb> = Partial<Record<V['inputs'][number], string>>;

/** The charts' numbers, as the database computes them (app/ports.ts BoardCharts). */
export type Charts = BoardCharts;

export interface Me {
  id: string | null;
  name: string;
  admin: boolean;
  memberOf: Target[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The headers that say who is looking; asked afresh for each request. */
export type Identity = () => Promise<Record<string, string>>;

export class BoardApi {
  constructor(
    private readonly identity: Identity,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = { ...(await this.identity()), ...(init.headers as Record<string, string> | undefined) };
    const response = await fetch(path, { ...init, headers });
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401) this.onUnauthorized();
    const message =
      typeof body.message === 'string' ? body.message : `The server answered ${response.status}; please try again`;
    const problems = Array.isArray(body.problems)
      ? (body.problems as { message?: string }[]).map((p) => p.message).filter(Boolean)
      : [];
    throw new ApiError(response.status, problems.length > 0 ? problems.join('; ') : message, body);
  }

  async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  me = () => this.json<Me>('/api/me');
  board = (query: URLSearchParams) => this.json<Queue>(`/api/board?${query}`);
  charts = (query: URLSearchParams) => this.json<Charts>(`/api/board/charts?${query}`);
  detail = (id: string) => this.json<Detail>(`/api/escalations/${encodeURIComponent(id)}`);
  csv = async (query: URLSearchParams) => (await this.request(`/api/board.csv?${query}`)).blob();

  /** One action, as a card's click: answered with the escalation after it, or an ApiError (409: stale). */
  act<V extends BoardVerb>(id: string, verb: V, version: number, data: VerbData<V> = {}): Promise<Detail> {
    return this.json<Detail>(`/api/escalations/${encodeURIComponent(id)}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ verb: verb.name, version, ...data }),
    });
  }

  /** Follow (true) or Unfollow (false): no version, as following is no change of the escalation. */
  follow(id: string, follows: boolean): Promise<Detail> {
    return this.json<Detail>(`/api/escalations/${encodeURIComponent(id)}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verb: (follows ? verbs.follow : verbs.unfollow).name }),
    });
  }
}

/** Whom the local board offers to act as (local mode only). */
export async function localPeople(): Promise<PersonRef[]> {
  const response = await fetch('/api/people');
  return response.ok ? ((await response.json()) as PersonRef[]) : [];
}
