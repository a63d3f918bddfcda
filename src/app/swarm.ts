// Swarm: the escalation's one group chat with its requester, its owner, the person swarming and
// the people they pick, made through Microsoft Graph with the brief's card posted in it (kept
// current like every copy). The next Swarm adds whoever is new to the same chat. Nobody who may
// not see the escalation is ever added: each person is asked of the access policy first.
import type { Change } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import { swarmChange, swarmPeople, swarmTopic } from '../domain/swarm';
import { type AccessDeps, canSee, viewerOn } from './access';
import { saveChange } from './changes';
import type { ChannelStore, Clock, EscalationStore } from './ports';
import { messageOf } from './sendFailure';
import type { ChatMaker, PostInChat, SwarmChat, SwarmStore } from './swarmPorts';

export interface SwarmDeps extends AccessDeps {
  store: Pick<EscalationStore, 'saveEscalation' | 'getEscalation'> & Pick<ChannelStore, 'postedCards'> & SwarmStore;
  clock: Clock;
  /** Graph's chats; undefined when Graph is not configured (the card's Swarm is then a deep link). */
  chats?: ChatMaker;
  postInChat: PostInChat;
  log: (message: string) => void;
}

export interface SwarmRequest {
  escalation: Escalation;
  /** The person swarming (who may see it: the caller checked). */
  clicker: Person;
  /** The people picked, by Entra object id. */
  picked: string[];
  /** Whom the picks may name: the tier team's people as the card offered them. */
  candidates: Person[];
  /** Where the bot reaches Teams (the click's service URL) and its tenant. */
  serviceUrl: string;
  tenantId?: string;
}

export type SwarmOutcome =
  | { outcome: 'opened' | 'grown' | 'unchanged'; escalation: Escalation; chat: SwarmChat; refused: string[] }
  | { outcome: 'refused'; reason: string };

/** How long an unfinished opening holds the escalation's claim before another may try. */
const claimLifetimeMs = 60_000;

export async function swarm(deps: SwarmDeps, request: SwarmRequest): Promise<SwarmOutcome> {
  if (!deps.chats) return { outcome: 'refused', reason: 'Swarm chats open from the card’s Swarm link here.' };
  const { escalation } = request;
  const named = namedPeople(request);
  const { allowed, refused } = await whoMaySee(
    deps,
    escalation,
    swarmPeople(escalation, request.clicker, named.people),
  );
  const notAdded = [
    ...named.unknown,
    ...refused.map((p) => `${p.name} may not see ${escalation.id}, so was not added.`),
  ];
  const existing = await deps.store.swarmChat(escalation.id);
  if (existing) return grow(deps, request, existing, allowed, notAdded);
  if (allowed.length < 2) {
    return { outcome: 'refused', reason: ['Pick at least one person to swarm with.', ...notAdded].join(' ') };
  }
  return open(deps, request, allowed, notAdded);
}

/** The picks the card offered (ids it knows), and what it could not name. */
function namedPeople(request: SwarmRequest): { people: Person[]; unknown: string[] } {
  const byId = new Map(request.candidates.flatMap((p) => (p.id ? [[p.id, p] as const] : [])));
  const people: Person[] = [];
  let unknown = 0;
  for (const id of new Set(request.picked)) {
    const person = byId.get(id);
    if (person) people.push(person);
    else unknown += 1;
  }
  return {
    people,
    unknown:
      unknown > 0
        ? [`${unknown} of those picked ${unknown === 1 ? 'is' : 'are'} not in the tier’s team, so not added.`]
        : [],
  };
}

/** Each person as the access policy sees them on this escalation. */
async function whoMaySee(deps: SwarmDeps, escalation: Escalation, people: Person[]) {
  const seen = await Promise.all(
    people.map(async (person) => canSee(deps, (await viewerOn(deps, person, escalation)).viewer, escalation)),
  );
  return { allowed: people.filter((_, n) => seen[n]), refused: people.filter((_, n) => !seen[n]) };
}

async function open(
  deps: SwarmDeps,
  request: SwarmRequest,
  people: Person[],
  notAdded: string[],
): Promise<SwarmOutcome> {
  const { escalation, clicker } = request;
  const now = deps.clock.now();
  const claimed = await deps.store.claimSwarmChat(
    escalation.id,
    now.toISOString(),
    new Date(now.getTime() - claimLifetimeMs).toISOString(),
  );
  if (!claimed)
    return { outcome: 'refused', reason: `${escalation.id}’s swarm chat is being opened: try again in a moment.` };
  const chats = deps.chats as ChatMaker;
  let chat: SwarmChat;
  try {
    const chatId = await chats.createGroupChat(
      swarmTopic(escalation),
      people.map((p) => p.id as string),
    );
    await chats.installApp(chatId);
    chat = {
      escalationId: escalation.id,
      chatId,
      serviceUrl: request.serviceUrl,
      tier: escalation.brief.target,
      members: people,
      openedBy: clicker,
      openedAt: now.toISOString(),
    };
    await deps.store.saveSwarmChat(chat);
  } catch (error) {
    await deps.store.releaseSwarmChat(escalation.id);
    deps.log(`opening ${escalation.id}'s swarm chat failed: ${messageOf(error)}`);
    return {
      outcome: 'refused',
      reason: `Teams did not open the chat (${messageOf(error).slice(0, 160)}): try again.`,
    };
  }
  const others = people.filter((p) => p.id !== clicker.id);
  const saved = await recorded(
    deps,
    escalation,
    swarmChange(escalation, clicker, others, true, now.toISOString()),
    clicker,
  );
  await postCard(deps, saved, chat, request.tenantId);
  return { outcome: 'opened', escalation: saved, chat, refused: notAdded };
}

async function grow(
  deps: SwarmDeps,
  request: SwarmRequest,
  chat: SwarmChat,
  people: Person[],
  notAdded: string[],
): Promise<SwarmOutcome> {
  const { escalation, clicker } = request;
  const inChat = new Set(chat.members.map((p) => p.id));
  const added: Person[] = [];
  for (const person of people.filter((p) => !inChat.has(p.id))) {
    try {
      await (deps.chats as ChatMaker).addMember(chat.chatId, person.id as string);
      added.push(person);
    } catch (error) {
      notAdded.push(`${person.name} could not be added (${messageOf(error).slice(0, 120)}).`);
    }
  }
  // A card that did not reach the chat when it was opened is posted now.
  const copies = await deps.store.postedCards(escalation.id);
  if (!copies.some((copy) => copy.conversationId === chat.chatId))
    await postCard(deps, escalation, chat, request.tenantId);
  if (added.length === 0) return { outcome: 'unchanged', escalation, chat, refused: notAdded };
  const grown = { ...chat, members: [...chat.members, ...added] };
  await deps.store.saveSwarmChat(grown);
  const change = swarmChange(escalation, clicker, added, false, deps.clock.now().toISOString());
  return {
    outcome: 'grown',
    escalation: await recorded(deps, escalation, change, clicker),
    chat: grown,
    refused: notAdded,
  };
}

/** The timeline says who swarmed; every copy of the card shows it (a version changed meanwhile is read again). */
async function recorded(deps: SwarmDeps, escalation: Escalation, change: Change, actor: Person): Promise<Escalation> {
  let current = escalation;
  let next = change;
  for (let tries = 0; tries < 3; tries += 1) {
    const saved = await saveChange(deps.store, current, next, { at: next.next.updatedAt, actor });
    if (saved.saved) return saved.escalation;
    if (!saved.current) break;
    current = saved.current;
    next = { ...next, next: { ...current, version: current.version + 1, updatedAt: next.next.updatedAt } };
  }
  return current;
}

/** The card in the chat: a failure is said in the log; the next Swarm posts it again. */
async function postCard(deps: SwarmDeps, escalation: Escalation, chat: SwarmChat, tenantId?: string): Promise<void> {
  try {
    await deps.postInChat(escalation, { chatId: chat.chatId, serviceUrl: chat.serviceUrl, tenantId });
  } catch (error) {
    deps.log(`posting ${escalation.id}'s card in its swarm chat failed: ${messageOf(error)}`);
  }
}

/** What the person who pressed Swarm is told. */
export function swarmSentence(outcome: SwarmOutcome, id: string): string {
  if (outcome.outcome === 'refused') return outcome.reason;
  const names = (people: { name: string }[]) => people.map((p) => p.name).join(', ');
  const said =
    outcome.outcome === 'opened'
      ? `Opened ${id}'s swarm chat with ${names(outcome.chat.members)}: find it in your chats.`
      : outcome.outcome === 'grown'
        ? `${id}'s swarm chat now has ${names(outcome.chat.members)}.`
        : `Everyone picked is already in ${id}'s swarm chat.`;
  return [said, ...outcome.refused].join(' ');
}
