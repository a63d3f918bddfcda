// Saving a decided change (domain/decide.ts): the next version, its timeline entry, the update of
// every posted copy of its card and its effects, all or nothing (the store's one transaction).
// Every move, a person's or the desk's, is saved through here.
import type { Change, Effect } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import type { ClickedCopy, EscalationStore, SaveEffect, SaveResult } from './ports';

export interface ChangeMeta {
  at: string;
  actor: Person;
  /** Identifies the click that made it: a retried delivery of it is applied once. */
  actionKey?: string;
  /** The message clicked, when the click's turn sends its update (app/sendAhead.ts). */
  clicked?: ClickedCopy;
}

export function saveChange(
  store: Pick<EscalationStore, 'saveEscalation'>,
  escalation: Escalation,
  change: Change,
  meta: ChangeMeta,
): Promise<SaveResult> {
  const { clicked, ...about } = meta;
  const effects = [
    ...change.effects.map((effect) => saveEffectOf(escalation.id, effect)),
    ...(clicked ? [clicked] : []),
  ];
  return store.saveEscalation(change.next, escalation.version, { ...change.entry, ...about }, effects);
}

function saveEffectOf(escalationId: string, effect: Effect): SaveEffect {
  switch (effect.kind) {
    case 'post':
      return { kind: 'post', escalationId, ...(effect.target ? { target: effect.target } : {}) };
    case 'email':
      return { kind: 'email', escalationId, to: effect.to, reason: effect.reason, key: effect.key };
    case 'link':
      return effect;
  }
}
