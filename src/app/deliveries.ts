// Deliveries as every use case builds them, and what each stands for.
import { noticeKey } from './followPorts';
import type { Delivery, PostedCard, QueuedDelivery } from './ports';

/** An update of each posted copy of an escalation's card: every copy shows the change. */
export function updatesOf(
  copies: readonly Pick<PostedCard, 'escalationId' | 'conversationId' | 'activityId' | 'serviceUrl'>[],
): Delivery[] {
  return copies.map((copy) => ({
    kind: 'update',
    escalationId: copy.escalationId,
    conversationId: copy.conversationId,
    activityId: copy.activityId,
    serviceUrl: copy.serviceUrl,
  }));
}

/**
 * What a post or an update stands for: one post of an escalation to one tier's channel, one
 * copy of a card. The outbox queues one row a key while it waits, and the delivery worker
 * folds rows of one key claimed together into one send; both must mean the same thing by it,
 * or a send stands in for one it is not (an escalation's own post for its Leadership raise).
 */
export function copyKey(delivery: Delivery): string | undefined {
  switch (delivery.kind) {
    case 'post':
      return JSON.stringify(['post', delivery.escalationId, ...(delivery.target ? [delivery.target] : [])]);
    case 'update':
      return copyKeyOf(delivery);
    // One notice waits a person and escalation: a change while it waits is in it when it is drawn.
    // A clock's notice is once-only by its own key instead (followPorts.ts clockNoticeKey).
    case 'notice':
      return delivery.clock ? undefined : noticeKey(delivery.escalationId, delivery.person.id);
    case 'reply':
    case 'email':
    case 'ticketNote':
    case 'personal':
      return undefined;
  }
}

/** The key of one posted copy of a card, whatever is queued for it. */
export function copyKeyOf(copy: { conversationId: string; activityId: string }): string {
  return JSON.stringify(['update', copy.conversationId, copy.activityId]);
}

/** A delivery as the log names it. */
export function describe(delivery: QueuedDelivery): string {
  return `delivery ${delivery.id} (${delivery.kind} of ${delivery.escalationId ?? `ticket ${delivery.kind === 'ticketNote' ? delivery.ticket.id : ''}`})`;
}
