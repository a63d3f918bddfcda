// Saving a Teams message into an escalation's timeline ("Save to escalation" on a message, "save
// <text>" in its swarm chat): one entry, saved like any change (app/changes.ts: every posted copy
// updated, a help desk's ticket told, one transaction), once per message. Only someone who may add a
// note may save (domain/lifecycle.ts); an escalation they may not see is answered as one that does
// not exist, so a refusal never tells that it does.
import { createHash } from 'node:crypto';
import { type Escalation, escalationIdPattern, type Person } from '../domain/escalation';
import { mayMake, refusalForRoles } from '../domain/lifecycle';
import { type SavedMessage, savedChange } from '../domain/savedMessage';
import { type AccessDeps, canSee, rolesOn, unsureText, viewerOn } from './access';
import { saveChange } from './changes';
import type { Clock, EscalationStore, IdempotencyStore } from './ports';
import type { SwarmStore } from './swarmPorts';

export interface SaveMessageDeps extends AccessDeps {
  store: Pick<EscalationStore, 'getEscalation' | 'saveEscalation' | 'listEscalations'> &
    IdempotencyStore &
    Pick<SwarmStore, 'swarmChatIn'>;
  clock: Clock;
  /** Wakes the delivery worker: the card's copies and the ticket's note go out within seconds. */
  deliverSoon: () => void;
}

/** Where a message is and its id: the same message is the same save, however often it is sent. */
export interface MessagePlace {
  conversationId: string;
  /** Teams' id of the message; undefined when Teams gave none (its text stands for it). */
  messageId?: string;
}

export interface SaveMessageRequest {
  /** As the person picked or typed it. */
  escalationId: string;
  message: SavedMessage;
  why?: string;
  saver: Person;
  place: MessagePlace;
}

export type SaveMessageOutcome =
  | { outcome: 'saved' | 'alreadySaved'; escalation: Escalation }
  | { outcome: 'refused'; reason: string };

/** Tries of a save whose escalation another change overtook (each reads it again). */
const tries = 3;

export async function saveMessage(deps: SaveMessageDeps, request: SaveMessageRequest): Promise<SaveMessageOutcome> {
  const { saver } = request;
  if (!saver.id) return refused(unknownSaver);
  const id = request.escalationId.trim().toUpperCase();
  if (!id) return refused('Pick one of your escalations, or type the id of another, like ESC-12.');
  const escalation = escalationIdPattern.test(id) ? await deps.store.getEscalation(id) : undefined;
  const known = escalation && (await viewerOn(deps, saver, escalation));
  if (!escalation || !known || !canSee(deps, known.viewer, escalation)) return refused(noSuchEscalation(id));
  if (!mayMake('note', rolesOn(known.viewer, escalation))) {
    return refused(
      `${refusalForRoles('note')} Saving a message to ${id} adds one: ask one of them to save it.${unsureText(known)}`,
    );
  }
  const actionKey = savedKey(escalation.id, request);
  if (await deps.store.appliedAction(actionKey)) return { outcome: 'alreadySaved', escalation };
  return recorded(deps, escalation, request, actionKey);
}

async function recorded(
  deps: SaveMessageDeps,
  escalation: Escalation,
  request: SaveMessageRequest,
  actionKey: string,
): Promise<SaveMessageOutcome> {
  let current = escalation;
  for (let n = 0; n < tries; n += 1) {
    const at = deps.clock.now().toISOString();
    const change = savedChange(current, request.message, request.saver, request.why, at);
    const saved = await saveChange(deps.store, current, change, { at, actor: request.saver, actionKey });
    if (saved.saved) {
      deps.deliverSoon();
      return { outcome: 'saved', escalation: saved.escalation };
    }
    // The same message saved meanwhile (a retried invoke, a second click): kept once.
    if (await deps.store.appliedAction(actionKey))
      return { outcome: 'alreadySaved', escalation: saved.current ?? current };
    if (!saved.current) return refused(noSuchEscalation(escalation.id));
    current = saved.current;
  }
  return refused(`${escalation.id} is being changed by others right now, so nothing was saved: try again in a moment.`);
}

/**
 * What makes a save once-only: the escalation, the message's conversation and its id (Teams' ids are
 * unique within a conversation), or its author, time and text when Teams gave no id. Hashed: all of
 * it is client text of any length.
 */
export function savedKey(escalationId: string, request: Pick<SaveMessageRequest, 'message' | 'place'>): string {
  const { place, message } = request;
  const identity = place.messageId ? [place.messageId] : [message.author, message.at ?? '', message.text];
  const hash = createHash('sha256')
    .update(JSON.stringify([place.conversationId, ...identity]))
    .digest('hex');
  return `saved:${escalationId}:${hash.slice(0, 32)}`;
}

/** The escalations the dialog offers: this chat's (its swarm chat, when they may see it), then the person's open ones, newest first. */
export async function escalationsToSaveTo(
  deps: SaveMessageDeps,
  person: Person,
  conversationId: string,
): Promise<{ escalations: Escalation[]; chosen?: string }> {
  const mine = person.id ? await deps.store.listEscalations({ involving: person.id, open: true, limit: 20 }) : [];
  const chat = await deps.store.swarmChatIn(conversationId);
  const here = chat && (await deps.store.getEscalation(chat.escalationId));
  if (!here || !canSee(deps, (await viewerOn(deps, person, here)).viewer, here)) return { escalations: mine };
  return { escalations: [here, ...mine.filter((e) => e.id !== here.id)], chosen: here.id };
}

function refused(reason: string): SaveMessageOutcome {
  return { outcome: 'refused', reason };
}

const unknownSaver =
  'Teams did not tell us who you are, so nothing was saved. Sign in to Teams with your work account and try again.';

/** The same sentence for an id that is no escalation and one the person may not see. */
function noSuchEscalation(id: string): string {
  const shown = id.length > 20 ? `${id.slice(0, 20)}…` : id;
  return `No escalation ${shown} that you can save to: pick one of yours, or check its id (like ESC-12) and try again.`;
}
