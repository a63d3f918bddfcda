// The Escalation Board's JSON (the Teams tab, src/tab): who is looking, the queue, its charts and
// CSV, and acting on an escalation. Every answer is what the access policy lets the caller see;
// an action goes through act(), as a card's click does, with the same stale-version rule.
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { canSee, viewerOf, viewerOn } from '../app/access';
import { act } from '../app/act';
import { type Looking, readBoard, readCharts } from '../app/board';
import { changeFollowing } from '../app/following';
import { fieldProblems } from '../domain/brief';
import { hasControlCharacters } from '../domain/clientText';
import { csvOf } from '../domain/csv';
import { escalationIdPattern, type Person } from '../domain/escalation';
import type { CardAction } from '../domain/lifecycle';
import { targets } from '../domain/tiers';
import { actionReaderNamed, readAssignee } from '../domain/verbData';
import { boardVerbs, verbs } from '../domain/verbs';
import { severities, slaStatuses, statuses } from '../domain/vocabulary';
import { callerOf } from './callers';
import { sendError, sendProblems } from './errors';
import { detailJson, notFound, summaryJson } from './escalationRoutes';
import { oneOf, wholeNumber } from './queries';
import { guarded, type Handler, type ServerDeps } from './server';

/** The queue shows this many unless `limit` says otherwise; the CSV holds at most csvRows. */
export const boardPage = { default: 200, most: 500, csvRows: 10_000 };

const boardQuerySchema = z.object({
  target: oneOf('target', targets),
  severity: oneOf('severity', severities),
  status: oneOf('status', statuses),
  sla: oneOf('sla', slaStatuses),
  owner: z
    .string({ error: 'owner must be "me", "none" or a person id' })
    .regex(/^[\w:.@-]{1,128}$/, 'owner must be "me", "none" or a person id')
    .optional(),
  mine: z.enum(['true', 'false'], { error: 'mine must be true (what you raised or own) or false' }).optional(),
  q: z
    .string({ error: 'q must be words to find in the summary' })
    .max(200, 'q must be at most 200 characters')
    .refine((q) => !hasControlCharacters(q), 'q must not contain control characters')
    .optional(),
  limit: wholeNumber('limit', 1, boardPage.most, boardPage.default),
});

const chartsQuerySchema = z.object({
  target: oneOf('target', targets),
  weeks: wholeNumber('weeks', 1, 52, 12),
});

export function registerBoardRoutes(server: Server, deps: ServerDeps): void {
  server.get('/api/me', guarded(deps, whoIsLooking(deps)));
  server.get('/api/people', guarded(deps, peopleToActAs(deps)));
  server.get('/api/board', guarded(deps, queue(deps)));
  server.get('/api/board.csv', guarded(deps, queueAsCsv(deps)));
  server.get('/api/board/charts', guarded(deps, charts(deps)));
  server.post('/api/escalations/:id/actions', guarded(deps, actOnEscalation(deps)));
}

/** Who is looking: an integration sees everything; a person, what their roles let them. */
function whoIsLooking(deps: ServerDeps): Handler {
  return async (req, res) => {
    const caller = callerOf(req);
    if (caller.kind !== 'person') {
      return res.send(200, { id: null, name: 'Integration (API key)', admin: true, memberOf: [...targets] });
    }
    const known = await viewerOf(deps, caller.person, { also: [...targets] });
    res.send(200, {
      id: known.viewer.id ?? null,
      name: caller.person.name,
      admin: known.viewer.admin,
      memberOf: targets.filter((target) => known.viewer.memberOf.has(target)),
      localMode: deps.config.localMode,
    });
  };
}

/** Whom the local board offers to act as: only where anyone may name themselves anyway. */
function peopleToActAs(deps: ServerDeps): Handler {
  return async (_req, res) => {
    if (!deps.config.localMode) return sendError(res, 404, 'No such route: see the HTTP routes in the README');
    const seen = await deps.store.recentPeople(200);
    const admins = deps.config.admins.ids
      .filter((id) => !seen.some((person) => person.id === id))
      .map((id) => ({ id, name: `${id} (admin)` }));
    res.send(
      200,
      [...seen, ...admins].map((person) => ({ id: person.id, name: person.name })),
    );
  };
}

function queue(deps: ServerDeps): Handler {
  return async (req, res) => {
    const asked = await boardRequest(deps, req, res);
    if (!asked) return;
    const board = await readBoard(deps, asked.looking, asked.filter, asked.limit);
    res.send(200, {
      items: board.items.map(({ escalation, sla }) => ({
        ...summaryJson(escalation),
        sla: { status: sla.status, next: sla.next ?? null, dueAt: sla.dueAt ?? null },
      })),
      total: board.total,
      byTier: board.byTier,
      bySla: board.bySla,
      bySeverity: board.bySeverity,
    });
  };
}

const csvColumns = [
  'id',
  'summary',
  'tier',
  'severity',
  'status',
  'owner',
  'requester',
  'customers affected',
  'SLA',
  'next due',
  'raised',
  'updated',
];

function queueAsCsv(deps: ServerDeps): Handler {
  return async (req, res) => {
    const asked = await boardRequest(deps, req, res, boardPage.csvRows);
    if (!asked) return;
    const board = await readBoard(deps, asked.looking, asked.filter, asked.limit);
    const csv = csvOf(
      csvColumns,
      board.items.map(({ escalation: e, sla }) => [
        e.id,
        e.brief.summary,
        e.brief.target,
        e.brief.severity,
        e.status,
        e.owner?.name,
        e.requester.name,
        e.brief.impact.customersAffected,
        sla.status,
        sla.dueAt,
        e.createdAt,
        e.updatedAt,
      ]),
    );
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="escalations.csv"');
    res.sendRaw(200, csv);
  };
}

function charts(deps: ServerDeps): Handler {
  return async (req, res) => {
    const parsed = chartsQuerySchema.safeParse(req.query ?? {});
    if (!parsed.success) return sendProblems(res, fieldProblems(parsed.error));
    const looking = await lookingOf(deps, req);
    res.send(200, await readCharts(deps, looking, parsed.data.target, parsed.data.weeks));
  };
}

/** Acting from the board: through act(), as a card's click; its outcome is the answer (409 stale, 403, 400). */
function actOnEscalation(deps: ServerDeps): Handler {
  return async (req, res) => {
    const caller = callerOf(req);
    if (caller.kind !== 'person' || !caller.person.id) {
      return sendError(res, 403, 'Actions are taken by a person: sign in from the board in Teams');
    }
    const id = String(req.params.id).toUpperCase();
    const escalation = escalationIdPattern.test(id) ? await deps.store.getEscalation(id) : undefined;
    const known = escalation && (await viewerOn(deps, caller.person, escalation));
    if (!escalation || !known || !canSee(deps, known.viewer, escalation)) return notFound(res, req.params.id);
    const follows = followingAsked(req.body);
    if (follows !== undefined) {
      // Following changes who hears of it, not the escalation: no version, and not through act().
      const refused = await changeFollowing(deps, escalation, { ...caller.person, id: caller.person.id }, follows);
      if (refused) return sendError(res, 400, refused);
      const after = await detailJson(deps, escalation.id, { known });
      return after ? res.send(200, after) : notFound(res, escalation.id);
    }
    const asked = actionAsked(req.body, caller.person);
    if ('problem' in asked) return sendProblems(res, [asked.problem]);
    const key = req.header('idempotency-key');
    const outcome = await act(deps, {
      escalationId: escalation.id,
      cardVersion: asked.version,
      action: asked.action,
      actor: caller.person,
      known,
      actionKey: key && /^[\x21-\x7e]{1,200}$/.test(key) ? `tab:${caller.person.id}:${key}` : undefined,
      read: escalation,
    });
    if (outcome.outcome === 'forbidden') return sendError(res, 403, outcome.reason);
    const current = outcome.escalation ?? escalation;
    const after = await detailJson(deps, current.id, { known: await viewerOn(deps, caller.person, current) });
    if (outcome.outcome === 'applied' || outcome.outcome === 'repeated') {
      return after ? res.send(200, after) : notFound(res, current.id);
    }
    const stale = outcome.outcome === 'stale';
    res.send(stale ? 409 : 400, {
      error: stale ? 'conflict' : 'invalid_request',
      message: outcome.reason,
      ...(after ? { current: after } : {}),
    });
  };
}

/** Every verb the board may send: its actions, and Follow and Unfollow. */
const verbsOnBoard = [...boardVerbs, verbs.follow.name, verbs.unfollow.name];
const verbProblem = { field: 'verb', message: `verb must be one of ${verbsOnBoard.join(', ')}` };

/** Follow (true) or Unfollow (false), when that is what the body asks; else undefined. */
function followingAsked(body: unknown): boolean | undefined {
  const verb = typeof body === 'object' && body !== null && 'verb' in body ? body.verb : undefined;
  return verb === verbs.follow.name ? true : verb === verbs.unfollow.name ? false : undefined;
}

type AskedAction = { action: CardAction; version: number } | { problem: { field: string; message: string } };

/** The action a board's request asks for: `{verb, version, ...its data}`. */
function actionAsked(body: unknown, me: Person): AskedAction {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const message = 'Send the action as a JSON object: {"verb": "escalation.setStatus", "version": 3, ...}';
    return { problem: { field: 'body', message } };
  }
  const data = body as Record<string, unknown>;
  const verb = typeof data.verb === 'string' ? data.verb : '';
  if (!boardVerbs.includes(verb)) return { problem: verbProblem };
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { problem: { field: 'version', message: 'version must be the version shown, a whole number' } };
  }
  const action = readAction(verb, data, me);
  return typeof action === 'string' ? { problem: { field: 'verb', message: action } } : { action, version };
}

/** The board's query, read; or undefined once a 400 has been sent. */
async function boardRequest(deps: ServerDeps, req: Request, res: Response, limit?: number) {
  const parsed = boardQuerySchema.safeParse(req.query ?? {});
  if (!parsed.success) {
    sendProblems(res, fieldProblems(parsed.error));
    return undefined;
  }
  const { owner, mine, q, limit: asked, ...rest } = parsed.data;
  const caller = callerOf(req);
  // An integration is nobody: "me" and "mine" match no one for it.
  const me = (caller.kind === 'person' ? caller.person.id : undefined) ?? '';
  const ownerId = owner === 'none' ? null : owner === 'me' ? me : owner;
  return {
    looking: await lookingOf(deps, req),
    filter: {
      ...rest,
      ...(ownerId !== undefined ? { ownerId } : {}),
      ...(mine === 'true' ? { involving: me } : {}),
      ...(q?.trim() ? { text: q.trim() } : {}),
    },
    limit: limit ?? asked,
  };
}

async function lookingOf(deps: ServerDeps, req: Request): Promise<Looking> {
  const caller = callerOf(req);
  return caller.kind === 'person' ? { viewer: (await viewerOf(deps, caller.person)).viewer } : 'integration';
}

/** The verb's data as the action it asks for; "assign" from the board is "Assign to me". */
function readAction(verb: string, data: Record<string, unknown>, me: Person): CardAction | string {
  if (verb === verbs.assign.name) {
    const named = readAssignee(data);
    if (typeof named === 'string') return named;
    if (named.id && named.id !== me.id) {
      return 'From the board you can assign it to yourself; to assign someone else, use its card in Teams';
    }
    return { kind: 'assign', assignee: me };
  }
  const read = actionReaderNamed.get(verb);
  return read ? read(data) : verbProblem.message;
}
