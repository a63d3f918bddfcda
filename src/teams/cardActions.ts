// Universal Actions (Action.Execute, invoke adaptiveCard/action): one handler a verb.
// A newcomer finds where a verb is handled by its name in `verbHandlers` (the verbs: domain/verbs.ts).

import { TeamsInfo, type TurnContext } from 'botbuilder';
import { canSee, type KnownViewer, rolesOn, viewerOn } from '../app/access';
import { act } from '../app/act';
import { changeFollowing } from '../app/following';
import type { ClickedCopy, PostedCard } from '../app/ports';
import { swarm, swarmSentence } from '../app/swarm';
import { type Escalation, escalationIdPattern, type Person } from '../domain/escalation';
import type { CardAction } from '../domain/lifecycle';
import type { Target } from '../domain/tiers';
import { actionVerbs, readAssignee, readPeople } from '../domain/verbData';
import { verbs } from '../domain/verbs';
import { bindingPeople, tierOfActivity } from './bindings';
import type { CardHost } from './cards/briefCard';
import { hiddenCard } from './cards/hiddenCard';
import type { AdaptiveCard } from './cards/render';
import { copyActivity } from './copies';
import type { TeamsDeps } from './deps';
import { escalationCard, hiddenEscalationCard } from './escalationCard';
import { type FormValues, fill, recommend, submit } from './formSubmission';
import { type CardActionAnswer, cardAnswer } from './invokeResponses';
import { personOf, reachOf, tenantOf, timeZoneOf, unknownPersonText } from './people';

/** Where a click's handler says what it came to (act()'s outcome), for the bot to count. */
export const invokeOutcome = Symbol('invokeOutcome');

type VerbHandler = (data: FormValues, context: TurnContext, deps: TeamsDeps) => Promise<CardActionAnswer>;
/**
 * How long a click's answer may wait for the clicked message's update: for Teams' pace to let it
 * go, and for Teams' Retry-After when it answered 429 (it gives an invoke about 5 s).
 */
export const clickedCopyWait = { waitMs: 100, throttledMs: 2000 };

/** Turns a verb's data into the action it asks for, or a sentence saying what to fix. */
type ActionReader = (data: FormValues, context: TurnContext) => Promise<CardAction | string>;

/** "Assign" to someone else asks the Teams roster who they are; every other verb's data is read alike. */
const assign: ActionReader = async (data, context) => {
  const named = readAssignee(data);
  if (typeof named === 'string') return named;
  if (!named.id) return { kind: 'assign', assignee: personOf(context.activity) };
  const person = await memberById(context, named.id);
  return typeof person === 'string' ? person : { kind: 'assign', assignee: person };
};

/** Each verb a card may send (domain/verbs.ts), and its handler (a Map: a verb is client text, never an object key). */
export const verbHandlers = new Map<string, VerbHandler>([
  [
    verbs.evaluate.name,
    async (data, context, deps) => cardAnswer(await recommend(data, 'chat', deps, personOf(context.activity))),
  ],
  [verbs.fillFromTicket.name, async (data, _context, deps) => cardAnswer(await fill(data, 'chat', deps))],
  [
    verbs.submit.name,
    async (data, context, deps) =>
      cardAnswer(
        await submit(
          data,
          personOf(context.activity),
          'chat',
          deps,
          timeZoneOf(context.activity),
          reachOf(context.activity),
        ),
      ),
  ],
  [
    verbs.refresh.name,
    async (data, context, deps) => {
      const escalation = await escalationOf(data, deps);
      if (typeof escalation === 'string') return cardAnswer(notice(escalation, context, deps));
      return cardAnswer(await cardFor(deps, escalation, await clickerOn(context, deps, escalation), context));
    },
  ],
  [verbs.assign.name, actingWith(assign)],
  [verbs.swarm.name, swarmChat],
  [verbs.follow.name, followingWith(true)],
  [verbs.unfollow.name, followingWith(false)],
  ...actionVerbs.map((verb): [string, VerbHandler] => [verb.name, actingWith(async (data) => verb.read(data))]),
]);

export async function cardAction(context: TurnContext, deps: TeamsDeps): Promise<CardActionAnswer> {
  const value = objectOr(context.activity.value);
  const action = objectOr(value.action);
  const verb = typeof action.verb === 'string' ? action.verb : '';
  const handler = verbHandlers.get(verb);
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
      clicked: clickedMessage(context),
    });
    context.turnState.set(invokeOutcome, outcome.outcome);
    if (outcome.outcome === 'applied') await updateClickedMessage(context, deps, outcome);
    const current = outcome.escalation ?? escalation;
    // Moved to another tier: whether they belong to it, and may still see it, is asked again.
    const after =
      current.brief.target === escalation.brief.target ? known : await clickerOn(context, deps, current, inChannelOf);
    const reason = 'reason' in outcome ? outcome.reason : undefined;
    return cardAnswer(await cardFor(deps, current, after, context, reason));
  };
}

/** The escalation a click names and its clicker, who may see it; else the card that says why not. */
async function seenByClicker(
  data: FormValues,
  context: TurnContext,
  deps: TeamsDeps,
): Promise<{ escalation: Escalation; known: KnownViewer } | CardActionAnswer> {
  const escalation = await escalationOf(data, deps);
  if (typeof escalation === 'string') return cardAnswer(notice(escalation, context, deps));
  const known = await clickerOn(context, deps, escalation);
  if (canSee(deps, known.viewer, escalation)) return { escalation, known };
  return cardAnswer(
    forHost(hiddenEscalationCard(deps, escalation, { ...known, host: hostOf(context) }), context, deps),
  );
}

/** Swarm: open or grow the escalation's group chat (app/swarm.ts) and answer with the card and what came of it. */
async function swarmChat(data: FormValues, context: TurnContext, deps: TeamsDeps): Promise<CardActionAnswer> {
  const seen = await seenByClicker(data, context, deps);
  if ('statusCode' in seen) return seen;
  const { escalation, known } = seen;
  const clicker = personOf(context.activity);
  const picked = readPeople(data);
  if (!clicker.id || typeof picked === 'string') {
    return cardAnswer(
      await cardFor(deps, escalation, known, context, clicker.id ? (picked as string) : unknownPersonText),
    );
  }
  const { activity } = context;
  const outcome = await swarm(deps, {
    escalation,
    clicker,
    picked,
    candidates: bindingPeople(await deps.store.channelFor(escalation.brief.target)),
    serviceUrl: activity.serviceUrl,
    tenantId: tenantOf(activity),
  });
  const current = outcome.outcome === 'refused' ? escalation : outcome.escalation;
  return cardAnswer(await cardFor(deps, current, known, context, swarmSentence(outcome, escalation.id)));
}

/** Follow or Unfollow: for whoever may see it (app/following.ts); the answer is their card, with their new button. */
function followingWith(follows: boolean): VerbHandler {
  return async (data, context, deps) => {
    const seen = await seenByClicker(data, context, deps);
    if ('statusCode' in seen) return seen;
    const { escalation, known } = seen;
    const clicker = personOf(context.activity);
    if (!clicker.id) return cardAnswer(await cardFor(deps, escalation, known, context, unknownPersonText));
    const refused = await changeFollowing(deps, escalation, { ...clicker, id: clicker.id }, follows);
    return cardAnswer(await cardFor(deps, escalation, known, context, refused));
  };
}

/** The Teams message clicked: its update goes in the click's turn (updateClickedMessage). */
function clickedMessage(context: TurnContext): ClickedCopy | undefined {
  const { activity } = context;
  if (activity.channelId !== 'msteams' || !activity.replyToId) return undefined;
  return { kind: 'clicked', conversationId: activity.conversation.id, activityId: activity.replyToId };
}

/**
 * The message clicked is updated before the click is answered, ahead of whatever else waits to go
 * there, when Teams' pace lets it go at once: a redraw seconds later would close a panel the
 * person opened meanwhile and lose their typing. When the pace does not let it, it is not redrawn
 * to this version at all (the person has it); other copies follow as Teams' limits allow.
 */
async function updateClickedMessage(
  context: TurnContext,
  deps: TeamsDeps,
  { escalation, copies }: { escalation: Escalation; copies: PostedCard[] },
): Promise<void> {
  const clicked = clickedMessage(context);
  const copy =
    clicked && copies.find((c) => c.conversationId === clicked.conversationId && c.activityId === clicked.activityId);
  if (!copy) return;
  // Drawn first, then it waits its turn: the pace counts when a send leaves, as Teams does.
  const send = async (turn: () => Promise<void>) => {
    const update = await copyActivity(deps, escalation, copy);
    await turn();
    await context.updateActivity({ ...update, id: copy.activityId });
  };
  await deps.sendCopyNow(copy, escalation.updatedAt, send, clickedCopyWait);
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

/** A sentence instead of a card: an escalation or a verb the card names is not one we know. */
function notice(message: string, context: TurnContext, deps: TeamsDeps): AdaptiveCard {
  return forHost(hiddenCard({ headline: message, detail: '' }, hostOf(context)), context, deps);
}
