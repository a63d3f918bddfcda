// The JSON API: triage, create, list, read, and the plain-text brief. A person calling
// (callers.ts) gets only what the access policy lets them see: an escalation they may not see
// is, to them, one that does not exist.

import { createHash } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { canSee, sightFor, viewerOf, viewerOn } from '../app/access';
import { readDetail } from '../app/board';
import { checkBriefLink } from '../app/briefLinks';
import { escalate, ticketTakenProblemFor } from '../app/escalate';
import { listEscalations, parseRequester } from '../app/escalations';
import { followingOf } from '../app/following';
import { anyone, channelViewer, seesEverything, type Viewer } from '../domain/access';
import { fieldProblems, parseBrief } from '../domain/brief';
import { briefSections } from '../domain/briefSections';
import { briefText } from '../domain/briefText';
import { type Escalation, escalationIdPattern } from '../domain/escalation';
import { isOpen } from '../domain/lifecycle';
import { swarmLinks } from '../domain/swarm';
import { triage, triageRequestSchema } from '../domain/triage';
import { severities, statuses, targets } from '../domain/vocabulary';
import { bindingPeople } from '../teams/bindings';
import { threadUrlOf } from '../teams/escalationCard';
import { callerOf } from './callers';
import { sendError, sendProblems } from './errors';
import { oneOf, wholeNumber } from './queries';
import { guarded, type Handler, type ServerDeps } from './server';

/** A page of the list holds this many unless `limit` says otherwise, and never more than the most. */
export const pageSize = { default: 50, most: 200 };

const listQuerySchema = z.object({
  status: oneOf('status', statuses),
  target: oneOf('target', targets),
  severity: oneOf('severity', severities),
  limit: wholeNumber('limit', 1, pageSize.most, pageSize.default),
  cursor: z
    .string({ error: 'cursor must be the one a Link header gave' })
    .regex(escalationIdPattern, 'cursor must be the one a Link header gave')
    .optional(),
});

export function registerEscalationRoutes(server: Server, deps: ServerDeps): void {
  server.post('/api/triage', guarded(deps, recommendTier()));
  server.post('/api/escalations', guarded(deps, createEscalation(deps)));
  server.get('/api/escalations', guarded(deps, listOfEscalations(deps)));
  server.get('/api/escalations/:id', guarded(deps, oneEscalation(deps)));
  server.get('/api/escalations/:id/brief.txt', guarded(deps, briefAsText(deps)));
}

/** Triage: the signals -> whether to escalate, to whom, how urgently. */
function recommendTier(): Handler {
  return async (req, res) => {
    const parsed = triageRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return sendProblems(res, fieldProblems(parsed.error));
    res.send(200, triage(parsed.data));
  };
}

/** A new escalation over the API, posted to its tier like any other; the same Idempotency-Key is the same escalation. */
function createEscalation(deps: ServerDeps): Handler {
  return async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendError(res, 400, 'Send the escalation as a JSON object of the form fields plus requester');
    }
    const { requester, ...form } = body as Record<string, unknown>;
    const caller = callerOf(req);
    const person = parseRequester(requester);
    // Someone acting for themselves raises it as themselves: it is theirs to see.
    if (person.ok && caller.kind === 'person') person.value.id = caller.person.id;
    // A ticket's number ("4821") is read against the connected desks, as the desks' webhooks are.
    const brief = parseBrief(form, { desks: deps.desks });
    if (!person.ok || !brief.ok) {
      return sendProblems(res, [...(person.ok ? [] : person.problems), ...(brief.ok ? [] : brief.problems)]);
    }
    // A client retrying after a lost answer sends the same Idempotency-Key and gets the same ESC-n;
    // the same key with another escalation is a mistake to point out, not a retry.
    const key = req.header('idempotency-key');
    if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
      return sendError(res, 400, 'Idempotency-Key must be 1 to 200 visible ASCII characters, e.g. a UUID');
    }
    const hash = createHash('sha256')
      .update(JSON.stringify([brief.value, person.value]))
      .digest('hex');
    const { escalation, created, posted, conflict, ticketTaken } = await escalate(
      deps,
      brief.value,
      person.value,
      key ? { key: `api:${key}`, hash, expires: true } : undefined,
    );
    if (ticketTaken) {
      const problem = ticketTakenProblemFor(escalation, await callerMaySee(deps, req, escalation));
      return sendError(res, 409, problem.message, [problem]);
    }
    if (conflict) {
      return sendError(
        res,
        409,
        `Idempotency-Key "${key}" was used in the last 24 hours for another escalation (${escalation.id}): send a new key for a new escalation`,
      );
    }
    res.header('location', `/api/escalations/${escalation.id}`);
    res.send(created ? 201 : 200, {
      ...summaryJson(escalation),
      posted: posted ? { conversationId: posted.conversationId, activityId: posted.activityId } : null,
      links: links(deps, escalation),
    });
  };
}

/** Newest first, a page at a time, only what the caller may see. */
function listOfEscalations(deps: ServerDeps): Handler {
  return async (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query ?? {});
    if (!parsed.success) return sendProblems(res, fieldProblems(parsed.error));
    const { limit, cursor, ...filter } = parsed.data;
    const viewer = await viewerOfCaller(deps, req);
    const sight = viewer ? sightFor(deps, viewer) : seesEverything;
    // One more than the page, to know whether there is a next one.
    const found = await listEscalations(deps, { ...filter, sight, before: cursor, limit: limit + 1 });
    const page = found.slice(0, limit);
    const last = page.at(-1);
    if (found.length > limit && last) {
      const next = new URLSearchParams({ ...definedOnly(filter), limit: String(limit), cursor: last.id });
      res.header('link', `<${deps.config.publicUrl}/api/escalations?${next}>; rel="next"`);
    }
    res.send(200, page.map(summaryJson));
  };
}

/** One escalation in full, as the caller may see it. */
function oneEscalation(deps: ServerDeps): Handler {
  return async (req, res) => {
    const caller = callerOf(req);
    const escalation = await deps.store.getEscalation(req.params.id);
    const looking =
      caller.kind === 'person' && escalation
        ? { known: await viewerOn(deps, caller.person, escalation) }
        : ('integration' as const);
    const detail = escalation && (await detailJson(deps, escalation.id, looking));
    if (!detail) return notFound(res, req.params.id);
    res.send(200, detail);
  };
}

/** The brief as text: for the caller, or for whom a signed link from a card was made. */
function briefAsText(deps: ServerDeps): Handler {
  return async (req: Request, res: Response) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const escalation = await deps.store.getEscalation(req.params.id);
    if (typeof query.sig === 'string') {
      // A link from a card: it opens for whom it was made, as long as they may see it.
      const link = checkBriefLink(deps.linkSecret, req.params.id, query, deps.clock.now());
      if (!link.ok) return sendError(res, 403, link.reason);
      if (!escalation) return notFound(res, req.params.id);
      const { audience } = link;
      const viewer =
        audience.kind === 'person'
          ? (await viewerOn(deps, { id: audience.id, name: audience.id }, escalation)).viewer
          : audience.kind === 'channel'
            ? channelViewer(audience.tier)
            : anyone;
      if (!canSee(deps, viewer, escalation)) {
        return sendError(
          res,
          403,
          'This link no longer opens this escalation: whom it was made for may not see it now',
        );
      }
    } else if (!escalation || !(await callerMaySee(deps, req, escalation))) {
      return notFound(res, req.params.id);
    }
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.sendRaw(200, briefText(escalation.brief));
  };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The person calling, as a viewer; undefined for an integration (it sees everything). */
async function viewerOfCaller(deps: ServerDeps, req: Request): Promise<Viewer | undefined> {
  const caller = callerOf(req);
  return caller.kind === 'person' ? (await viewerOf(deps, caller.person)).viewer : undefined;
}

async function callerMaySee(deps: ServerDeps, req: Request, escalation: Escalation): Promise<boolean> {
  const caller = callerOf(req);
  if (caller.kind !== 'person') return true;
  return canSee(deps, (await viewerOn(deps, caller.person, escalation)).viewer, escalation);
}

export function notFound(res: Response, id: string): void {
  const shown = id.length > 20 ? `${id.slice(0, 20)}…` : id;
  sendError(res, 404, `No escalation ${shown}: ids look like ESC-12`);
}

export function summaryJson(escalation: Escalation) {
  const { brief } = escalation;
  return {
    id: escalation.id,
    summary: brief.summary,
    severity: brief.severity,
    target: brief.target,
    status: escalation.status,
    owner: escalation.owner ?? null,
    requester: escalation.requester,
    customersAffected: brief.impact.customersAffected,
    // The help-desk ticket it came from, at top level too: integrations and the board's queue read it without the brief.
    ...(brief.ticket && {
      ticket: { system: brief.ticket.system, id: brief.ticket.id, url: brief.ticket.url ?? null },
    }),
    version: escalation.version,
    createdAt: escalation.createdAt,
    updatedAt: escalation.updatedAt,
  };
}

function links(deps: ServerDeps, escalation: Escalation) {
  const base = `${deps.config.publicUrl}/api/escalations/${escalation.id}`;
  return { self: base, brief: `${base}/brief.txt` };
}

/**
 * One escalation in full, as the caller may see it: its brief, SLA clocks, timeline, the linked
 * escalations they may see, what they may do, how many follow it and whether the reader does,
 * and the link to its thread in Teams.
 */
export async function detailJson(deps: ServerDeps, id: string, looking: Parameters<typeof readDetail>[2]) {
  const detail = await readDetail(deps, id, looking);
  if (!detail) return undefined;
  const { escalation, sla, timeline, linked, moves, offers } = detail;
  // An integration is nobody: it follows nothing, so it has no standing.
  const readerId = looking === 'integration' ? undefined : looking.known.viewer.id;
  const following = followingOf(escalation, await deps.store.followers(escalation.id), readerId);
  return {
    ...summaryJson(escalation),
    brief: escalation.brief,
    sections: briefSections(escalation.brief),
    sla,
    timeline: timeline.map(({ escalationId: _, actionKey: __, ...entry }) => entry),
    linked: linked.map((other) => ({ id: other.id, summary: other.brief.summary, status: other.status })),
    moves,
    offers: offers ?? null,
    following: { count: following.count, you: following.reader ?? null },
    teamsLink: (await threadUrlOf(deps, escalation)) ?? null,
    // Swarm and Meet now as Teams deep links (the board's buttons), while it is open.
    swarm: isOpen(escalation.status)
      ? swarmLinks(
          escalation,
          bindingPeople(await deps.store.channelFor(escalation.brief.target)),
          `${deps.config.publicUrl}/escalations/${escalation.id}`,
        )
      : null,
    links: links(deps, escalation),
  };
}
