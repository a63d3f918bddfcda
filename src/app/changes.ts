// Saving a decided change (domain/decide.ts): the next version, its timeline entry, the update of
// every posted copy of its card and its effects, all or nothing. Every move (a person's, the
// desk's) is saved through here.
import type { Change, Effect } from '../domain/decide';
import type { Escalation, Person } from '../domain/escalation';
import { updatesOf } from './deliveries';
import type { ChannelStore, Delivery, EscalationStore, SaveResult } from './ports';

export interface ChangeMeta {
  at: string;
  actor: Person;
  /** Identifies the click that made it: a retried delivery of it is applied once. */
  actionKey?: string;
}

export type ChangeStore = Pick<EscalationStore, 'saveEscalation' | 'linkEscalations'> &
  Pick<ChannelStore, 'postedCards'>;

export async function saveChange(
  store: ChangeStore,
  escalation: Escalation,
  change: Change,
  meta: ChangeMeta,
): Promise<SaveResult> {
  const deliveries: Delivery[] = [
    ...updatesOf(await store.postedCards(escalation.id)),
    ...change.effects.flatMap((effect) => deliveryOf(escalation.id, effect)),
  ];
  const saved = await store.saveEscalation(change.next, escalation.version, { ...change.entry, ...meta }, deliveries);
  if (saved.saved) {
    for (const effect of change.effects) {
      if (effect.kind === 'link') await store.linkEscalations(escalation.id, effect.otherId, meta.at);
    }
  }
  return saved;
}

function deliveryOf(escalationId: string, effect: Effect): Delivery[] {
  switch (effect.kind) {
    case 'post':
      return [{ kind: 'post', escalationId, ...(effect.target ? { target: effect.target } : {}) }];
    case 'email':
      return [{ kind: 'email', escalationId, to: effect.to, reason: effect.reason, key: effect.key }];
    case 'link':
      return [];
  }
}
