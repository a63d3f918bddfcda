// Universal Actions (Action.Execute, invoke adaptiveCard/action): one handler a verb.
// A newcomer finds where a verb is handled by its name in `verbs`.
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { canSee, type KnownViewer, rolesOn, viewerOn } from '../app/access';
import { act } from '../app/act';
import { hasControlCharacters } from '../domain/clientText';
import { parseAddresses } from '../domain/emailing';
import { type Escalation, escalationIdPattern, type Person } from '../domain/escalation';
import type { CardAction } from '../domain/lifecycle';
import { statuses, type Target, targets } from '../domain/vocabulary';
import { tierOfActivity } from './bindings';
import type { CardHost } from './cards/briefCard';
import { hiddenCard } from './cards/hiddenCard';
import type { AdaptiveCard } from './cards/render';
import type { TeamsDeps } from './deps';
import { escalationCard, hiddenEscalationCard } from './escalationCard';
import { type FormValues, recommend, submit } from './formSubmission';
import { type CardActionAnswer, cardAnswer } from './invokeResponses';
import { personOf, timeZoneOf, unknownPersonText } from './people';

type VerbHandler = (data: FormValues, context: TurnContext, deps: TeamsDeps) => Promise<CardActionAnswer>;
/** Turns a verb's data into the action it asks for, or a sentence saying what to fix. */
type ActionReader = (data: FormValues, context: TurnContext) => Promise<CardAction | string>;

const text = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z
      .string({ error: `${label} is required` })
      .max(max, `${label} must be at most ${max} characters`)
      .refine((s) => !hasControlCharacters(s), `${label} must not contain control characters`),
  );
const optionalText = (label: string, max: number) => text(label, max).optional();

const readers: [string, ActionReader][] = Object.entries({
  'escalation.setStatus': reading(
    z.object({
      status: z.enum(statuses, { error: `Choose a status: ${statuses.join(', ')}` }),
      resolution: optionalText('Resolution', 1000),
      reason: optionalText('Reason', 500),
    }),
    (d) => ({ kind: 'setStatus', ...d }),
  ),
  'escalation.assign': async (data, context) => {
    const assignee = typeof data.assignee === 'string' ? data.assignee.trim() : '';
    if (!assignee) return { kind: 'assign', assignee: personOf(context.activity) };
    if (!/^[\w:.@-]{1,128}$/.test(assignee)) return 'Choose the person to assign it to from the list.';
    const person = await memberById(context, assignee);
    return typeof person === 'string' ? person : { kind: 'assign', assignee: person };
  },
  'escalation.logCustomerUpdate': reading(
    z.object({
      lastUpdateSummary: text('What we told the customer', 1000),
      customerExpectation: optionalText('Customer expectation', 500),
      escalationRisk: optionalText('Escalation risk', 500),
    }),
    (d) => ({
      kind: 'logCustomerUpdate',
      summary: d.lastUpdateSummary,
      customerExpectation: d.customerExpectation,
      escalationRisk: d.escalationRisk,
    }),
  ),
  'escalation.addNote': reading(z.object({ note: text('Note', 1000) }), (d) => ({ kind: 'addNote', note: d.note })),
  'escalation.retarget': reading(
    z.object({
      target: z.enum(targets, { error: `Choose the tier to move it to: ${targets.join(', ')}` }),
      reason: text('Why', 500),
    }),
    (d) => ({ kind: 'retarget', ...d }),
  ),
  'escalation.email': async (data) => {
    const parsed = parseAddresses(data.addresses);
    return 'problem' in parsed ? parsed.problem : { kind: 'email', addresses: parsed.addresses };
  },
  'escalation.link': reading(
    z.object({
      otherId: z.preprocess(
        (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
        z
          .string({ error: 'Say which escalation it is the same as, e.g. ESC-12' })
          .regex(escalationIdPattern, 'Say which escalation it is the same as, e.g. ESC-12'),
      ),
    }),
    (d) => ({ kind: 'link', otherId: d.otherId }),
  ),
});

/** Every verb a card may send, by name (a Map: a verb is client text, never an object key). */
export const verbs = new Map<string, VerbHandler>([
  [
    'triage.evaluate',
    async (data, context, deps) => cardAnswer(await recommend(data, 'chat', deps, personOf(context.activity))),
  ],
  [
    'escalation.submit',
    async (data, context, deps) =>
      cardAnswer(await submit(data, personOf(context.activity), 'chat', deps, timeZoneOf(context.activity))),
  ],
  [
    'escalation.refresh',
    async (data, context, deps) => {
      const escalation = await escalationOf(data, deps);
      if (typeof escalation === 'string') return cardAnswer(notice(escalation, context, deps));
      return cardAnswer(await cardFor(deps, escalation, await clickerOn(context, deps, escalation), context));
    },
  ],
  ...readers.map(([verb, reader]): [string, VerbHandler] => [verb, actingWith(reader)]),
]);

export async function cardAction(context: TurnContext, deps: TeamsDeps): Promise<CardActionAnswer> {
  const value = objectOr(context.activity.value);
  const action = objectOr(value.action);
  const verb = typeof action.verb === 'string' ? action.verb : '';
  const handler = verbs.get(verb);
  if (handler) return handler(objectOr(action.data), context, deps);
  const shown = verb.length > 60 ? `${verb.slice(0, 60)}…` : verb;
  return cardAnswer(
    notice(
      `This card's action "${shown}" is not known: say "show ESC-n" to the bot for a current card.`,
      context,
      deps,
    ),
  );
}

/** A lifecycle verb: read its data, act, answer the clicker with the card as it is now. */
function actingWith(reader: ActionReader): VerbHandler {
  return async (data, context, deps) => {
    const escalation = await escalationOf(data, deps);
    if (typeof escalation === 'string') return cardAnswer(notice(escalation, context, deps));
    const inChannelOf = await tierOfActivity(deps, context.activity);
    const known = await clickerOn(context, deps, escalation, inChannelOf);
    if (!canSee(deps, known.viewer, escalation)) {
      return cardAnswer(
        forHost(hiddenEscalationCard(deps, escalation, { ...known, host: hostOf(context) }), context, deps),
      );
    }
    const actor = personOf(context.activity);
    if (!actor.id) return cardAnswer(await cardFor(deps, escalation, known, context, unknownPersonText));
    const action = await reader(data, context);
    if (typeof action === 'string') return cardAnswer(await cardFor(deps, escalation, known, context, action));
    const outcome = await act(deps, {
      escalationId: escalation.id,
      cardVersion: Number(data.version),
      action,
      actor,
      known,
      inChannelOf,
      actionKey: context.activity.id ? `teams:${context.activity.id}` : undefined,
      read: escalation,
    });
    const current = outcome.escalation ?? escalation;
    // Moved to another tier: whether they belong to it, and may still see it, is asked again.
    const after =
      current.brief.target === escalation.brief.target ? known : await clickerOn(context, deps, current, inChannelOf);
    const reason = outcome.outcome === 'refused' ? outcome.reason : undefined;
    return cardAnswer(await cardFor(deps, current, after, context, reason));
  };
}

async function escalationOf(data: FormValues, deps: TeamsDeps): Promise<Escalation | string> {
  const id = typeof data.escalationId === 'string' ? data.escalationId.trim().toUpperCase() : '';
  const escalation = escalationIdPattern.test(id) ? await deps.store.getEscalation(id) : undefined;
  const shown = id.length > 20 ? `${id.slice(0, 20)}…` : id;
  return (
    escalation ??
    `This card names no escalation we know (${shown || 'none'}): say "show ESC-n" to the bot for a current card.`
  );
}

/**
 * The person who clicked, as a viewer of this escalation. The tier's channel they clicked in
 * vouches for them: Teams delivers a channel's clicks from its members only.
 */
async function clickerOn(
  context: TurnContext,
  deps: TeamsDeps,
  escalation: Escalation,
  inChannelOf?: Target,
): Promise<KnownViewer> {
  const here = inChannelOf ?? (await tierOfActivity(deps, context.activity));
  return viewerOn(deps, personOf(context.activity), escalation, here);
}

/** The card as the person who clicked sees it: their buttons, and why their action was refused. */
async function cardFor(
  deps: TeamsDeps,
  escalation: Escalation,
  known: KnownViewer,
  context: TurnContext,
  message?: string,
): Promise<AdaptiveCard> {
  const host = hostOf(context);
  const card = await escalationCard(deps, escalation, {
    viewer: known.viewer,
    roles: rolesOn(known.viewer, escalation),
    unsure: known.unsure,
    message,
    host,
  });
  return forHost(card, context, deps);
}

/** A click from an Outlook email comes through the Azure Bot's Outlook channel: it gets the Outlook card. */
function hostOf(context: TurnContext): CardHost {
  return context.activity.channelId === 'outlook' ? 'outlook' : 'teams';
}

/** In Outlook, every answer carries the originator Outlook trusts the card by. */
function forHost(card: AdaptiveCard, context: TurnContext, deps: TeamsDeps): AdaptiveCard {
  if (hostOf(context) === 'outlook' && deps.originatorId) card.originator = deps.originatorId;
  return card;
}

function objectOr(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A member of the conversation clicked in, by id; or why not, in a sentence. */
async function memberById(context: TurnContext, id: string): Promise<Person | string> {
  try {
    const member = await TeamsInfo.getMember(context, id);
    if (!member.aadObjectId) return 'Teams did not say who that is: choose someone else, or try again.';
    return { id: member.aadObjectId, name: member.name ?? member.givenName ?? 'Someone', teamsId: member.id };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return 'That person is not a member here: choose someone in this team or chat.';
    }
    return 'Teams could not tell us just now who is in this team, so nothing was changed: try again in a minute.';
  }
}

/** A reader that checks a verb's data with its schema (built once) and makes the action. */
function reading<S extends z.ZodType>(schema: S, toAction: (value: z.output<S>) => CardAction): ActionReader {
  return async (data) => {
    const parsed = schema.safeParse(data);
    return parsed.success
      ? toAction(parsed.data)
      : (parsed.error.issues[0]?.message ?? 'Check the values and try again.');
  };
}

/** A sentence instead of a card: an escalation or a verb the card names is not one we know. */
function notice(message: string, context: TurnContext, deps: TeamsDeps): AdaptiveCard {
  return forHost(hiddenCard({ headline: message, detail: '' }, hostOf(context)), context, deps);
}
