// Universal Actions (Action.Execute, invoke adaptiveCard/action): one handler a verb.
// A newcomer finds where a verb is handled by its name in `verbs`.
import { TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { act } from '../app/act';
import { type Escalation, escalationIdPattern, type Person } from '../domain/escalation';
import type { CardAction, Role } from '../domain/lifecycle';
import { statuses, targets } from '../domain/vocabulary';
import { bindingChannel } from './bindings';
import { formCard } from './cards/formCard';
import type { AdaptiveCard } from './cards/render';
import type { TeamsDeps } from './deps';
import { escalationCard } from './escalationCard';
import { type FormValues, recommend, submit } from './formSubmission';
import { type CardActionAnswer, cardAnswer } from './invokeResponses';
import { channelOfActivity, personOf } from './people';

type VerbHandler = (data: FormValues, context: TurnContext, deps: TeamsDeps) => Promise<CardActionAnswer>;
/** Turns a verb's data into the action it asks for, or a sentence saying what to fix. */
type ActionReader = (data: FormValues, context: TurnContext) => Promise<CardAction | string>;

const text = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z.string({ error: `${label} is required` }).max(max, `${label} must be at most ${max} characters`),
  );
const optionalText = (label: string, max: number) => text(label, max).optional();

const readers: Record<string, ActionReader> = {
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
    const person = await memberById(context, assignee);
    return person
      ? { kind: 'assign', assignee: person }
      : 'That person is not a member here: choose someone in this team or chat.';
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
};

export const verbs: Record<string, VerbHandler> = {
  'triage.evaluate': async (data, _context, deps) => cardAnswer(await recommend(data, 'chat', deps)),
  'escalation.submit': async (data, context, deps) =>
    cardAnswer(await submit(data, personOf(context.activity), 'chat', deps)),
  'escalation.refresh': async (data, context, deps) => {
    const escalation = await escalationOf(data, deps);
    if (typeof escalation === 'string') return cardAnswer(notice(escalation));
    return cardAnswer(await cardFor(context, deps, escalation));
  },
  ...Object.fromEntries(Object.entries(readers).map(([verb, reader]) => [verb, actingWith(reader)])),
};

export async function cardAction(context: TurnContext, deps: TeamsDeps): Promise<CardActionAnswer> {
  const value = (context.activity.value ?? {}) as { action?: { verb?: string; data?: FormValues } };
  const verb = value.action?.verb ?? '';
  const data = value.action?.data ?? {};
  const handler = verbs[verb];
  if (handler) return handler(data, context, deps);
  return cardAnswer(
    notice(`This card's action "${verb}" is not known: say "show ESC-n" to the bot for a current card.`),
  );
}

/** A lifecycle verb: read its data, act, answer the clicker with the card as it is now. */
function actingWith(reader: ActionReader): VerbHandler {
  return async (data, context, deps) => {
    const escalation = await escalationOf(data, deps);
    if (typeof escalation === 'string') return cardAnswer(notice(escalation));
    const action = await reader(data, context);
    if (typeof action === 'string') return cardAnswer(await cardFor(context, deps, escalation, action));
    const roles = await rolesOf(context, deps, escalation);
    const outcome = await act(deps, {
      escalationId: escalation.id,
      cardVersion: Number(data.version),
      action,
      actor: personOf(context.activity),
      roles,
      actionKey: context.activity.id ? `teams:${context.activity.id}` : undefined,
      read: escalation,
    });
    const current = outcome.escalation ?? escalation;
    // Ownership or the tier may have changed with this action: the roles follow them.
    const unchanged = current.owner?.id === escalation.owner?.id && current.brief.target === escalation.brief.target;
    const after = unchanged ? roles : await rolesOf(context, deps, current);
    const reason = outcome.outcome === 'refused' ? outcome.reason : undefined;
    return cardAnswer(await cardFor(context, deps, current, reason, after));
  };
}

async function escalationOf(data: FormValues, deps: TeamsDeps): Promise<Escalation | string> {
  const id = typeof data.escalationId === 'string' ? data.escalationId : '';
  const escalation = id ? await deps.store.getEscalation(id) : undefined;
  return (
    escalation ??
    `This card names no escalation we know (${id || 'none'}): say "show ESC-n" to the bot for a current card.`
  );
}

/** The card as the person who clicked sees it: their buttons, and why their action was refused. */
async function cardFor(
  context: TurnContext,
  deps: TeamsDeps,
  escalation: Escalation,
  message?: string,
  roles?: ReadonlySet<Role>,
): Promise<AdaptiveCard> {
  return escalationCard(deps, escalation, {
    roles: roles ?? (await rolesOf(context, deps, escalation)),
    viewer: personOf(context.activity),
    message,
  });
}

/** Owner and requester by who clicked; the tier's channel by where the card was clicked. */
async function rolesOf(context: TurnContext, deps: TeamsDeps, escalation: Escalation): Promise<Set<Role>> {
  const person = personOf(context.activity);
  const roles = new Set<Role>();
  if (person.id && escalation.owner?.id === person.id) roles.add('owner');
  if (person.id && escalation.requester.id === person.id) roles.add('requester');
  const here = channelOfActivity(context.activity)?.channelId;
  const binding = here ? await deps.store.channelFor(escalation.brief.target) : undefined;
  if (binding && bindingChannel(binding).channelId === here) roles.add('tierChannel');
  return roles;
}

async function memberById(context: TurnContext, aadObjectId: string): Promise<Person | undefined> {
  try {
    const member = await TeamsInfo.getMember(context, aadObjectId);
    return {
      id: member.aadObjectId ?? aadObjectId,
      name: member.name ?? member.givenName ?? aadObjectId,
      teamsId: member.id,
    };
  } catch {
    return undefined;
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

function notice(message: string): AdaptiveCard {
  return formCard({ mode: 'chat', notice: message });
}
