// The delivery outbox as rows: what a queued post, update, reply or email stores, how rows
// are claimed, and how they read back. The queries that use them are in outbox.ts.
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { copyKey } from '../app/deliveries';
import { clockNoticeKey } from '../app/followPorts';
import type { Delivery, DeliveryRecord, DeliveryState, EmailReason, QueuedDelivery } from '../app/ports';
import { escalationId } from '../domain/escalation';
import type { ClockNotice } from '../domain/notifications';
import type { Ticket } from '../domain/tickets';
import type { Target } from '../domain/vocabulary';
import { storedNumberOf } from './ids';
import { type Db, type EscalationDeskTables, type OutboxTable, rowsPerStatement } from './tables';

/** The kinds this version sends; a row of a kind added by a newer replica is left to it. */
export const deliveryKinds: Delivery['kind'][] = [
  'post',
  'update',
  'reply',
  'email',
  'ticketNote',
  'personal',
  'notice',
];

export async function enqueue(db: Db, deliveries: Delivery[], at: string): Promise<void> {
  for (let start = 0; start < deliveries.length; start += rowsPerStatement) {
    const rows = deliveries.slice(start, start + rowsPerStatement).map((delivery) => outboxRow(delivery, at));
    // The unique keys do the coalescing: an update of a copy that already has one waiting, or
    // a reply whose key was ever queued, is skipped (also within one batch).
    await db
      .insertInto('outbox')
      .values(rows)
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}

export function outboxRow(delivery: Delivery, at: string) {
  const row = {
    kind: delivery.kind,
    escalation_id: delivery.escalationId === undefined ? null : storedNumberOf(delivery.escalationId, 'enqueue'),
    ticket: null as string | null,
    conversation_id: null as string | null,
    activity_id: null as string | null,
    service_url: null as string | null,
    text: null as string | null,
    target: null as string | null,
    reply_key: null as string | null,
    recipients: null as string | null,
    pending_key: null as string | null,
    attempts: 0,
    next_attempt_at: at,
    created_at: at,
  };
  switch (delivery.kind) {
    case 'post':
      return { ...row, target: delivery.target ?? null, pending_key: pendingKey(delivery) };
    case 'update':
      return {
        ...row,
        conversation_id: delivery.conversationId,
        activity_id: delivery.activityId,
        service_url: delivery.serviceUrl,
        pending_key: pendingKey(delivery),
      };
    case 'reply':
      return {
        ...row,
        conversation_id: delivery.conversationId,
        service_url: delivery.serviceUrl,
        text: delivery.text,
        reply_key: delivery.key ?? null,
      };
    case 'email':
      return {
        ...row,
        recipients: JSON.stringify(delivery.to),
        text: delivery.reason,
        reply_key: delivery.key ?? null,
      };
    case 'ticketNote':
      return { ...row, ticket: JSON.stringify(delivery.ticket), text: delivery.text, reply_key: delivery.key };
    case 'personal':
      return {
        ...row,
        recipients: JSON.stringify(delivery.person),
        service_url: delivery.serviceUrl,
        text: delivery.tenantId ?? null,
        reply_key: delivery.key,
      };
    // Due when its minute is up; while it waits, its key keeps the changes of that minute in it.
    // A clock's notice keeps its clock, and is once-only by its key.
    case 'notice':
      return {
        ...row,
        recipients: JSON.stringify(delivery.person),
        pending_key: pendingKey(delivery),
        next_attempt_at: delivery.notBefore,
        ...(delivery.clock && {
          text: JSON.stringify(delivery.clock),
          reply_key: clockNoticeKey(delivery.escalationId, delivery.person.id, delivery.clock),
        }),
      };
  }
}

/** What a waiting post or update stands for (app/deliveries.ts copyKey): one row a key while it waits. */
export function pendingKey(delivery: Delivery): string | null {
  return copyKey(delivery) ?? null;
}

export function pendingKeyOfRow(row: Selectable<OutboxTable>): string | null {
  if (!(deliveryKinds as string[]).includes(row.kind)) return null;
  return pendingKey(deliveryFromRow(row));
}

/** Not sent, not given up on, due, and no worker's lease still running. */
export function claimable(eb: ExpressionBuilder<EscalationDeskTables, 'outbox'>, now: string) {
  return eb.and([
    eb('delivered_at', 'is', null),
    eb('failed_at', 'is', null),
    eb('next_attempt_at', '<=', now),
    eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]),
    eb('kind', 'in', deliveryKinds),
  ]);
}

export function deliveryFromRow(row: Selectable<OutboxTable>): QueuedDelivery {
  const queued = {
    id: Number(row.id),
    escalationId: escalationId(Number(row.escalation_id)),
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  switch (row.kind) {
    case 'post':
      return { kind: 'post', ...queued, ...(row.target !== null && { target: row.target as Target }) };
    case 'update':
      return {
        kind: 'update',
        ...queued,
        conversationId: row.conversation_id ?? '',
        activityId: row.activity_id ?? '',
        serviceUrl: row.service_url ?? '',
      };
    case 'reply':
      return {
        kind: 'reply',
        ...queued,
        conversationId: row.conversation_id ?? '',
        serviceUrl: row.service_url ?? '',
        text: row.text ?? '',
        ...(row.reply_key !== null && { key: row.reply_key }),
      };
    case 'email':
      return {
        kind: 'email',
        ...queued,
        to: JSON.parse(row.recipients ?? '[]') as string[],
        reason: (row.text ?? 'escalated') as EmailReason,
        ...(row.reply_key !== null && { key: row.reply_key }),
      };
    case 'ticketNote': {
      const { escalationId: made, ...rest } = queued;
      return {
        kind: 'ticketNote',
        ...rest,
        ...(row.escalation_id !== null && { escalationId: made }),
        ticket: JSON.parse(row.ticket ?? '{}') as Ticket,
        text: row.text ?? '',
        key: row.reply_key ?? '',
      };
    }
    case 'personal':
      return {
        kind: 'personal',
        ...queued,
        person: JSON.parse(row.recipients ?? '{}') as { id: string; teamsId: string },
        serviceUrl: row.service_url ?? '',
        ...(row.text !== null && { tenantId: row.text }),
        key: row.reply_key ?? '',
      };
    case 'notice':
      return {
        kind: 'notice',
        ...queued,
        person: JSON.parse(row.recipients ?? '{}') as { id: string; teamsId: string },
        notBefore: row.next_attempt_at,
        ...(row.text !== null && { clock: JSON.parse(row.text) as ClockNotice }),
      };
    default:
      throw new Error(`outbox row ${row.id} has a kind this version does not know: "${row.kind}"`);
  }
}

export function recordFromRow(row: Selectable<OutboxTable>): DeliveryRecord {
  const state: DeliveryState = row.delivered_at !== null ? 'delivered' : row.failed_at !== null ? 'failed' : 'pending';
  return {
    ...deliveryFromRow(row),
    state,
    nextAttemptAt: row.next_attempt_at,
    ...(row.delivered_at !== null && { deliveredAt: row.delivered_at }),
    ...(row.failed_at !== null && { failedAt: row.failed_at }),
    ...(row.last_error !== null && { lastError: row.last_error }),
  };
}

/** No other worker holds a live lease on a row of the same conversation (posts have none). */
export function notHeldByAnother(eb: ExpressionBuilder<EscalationDeskTables, 'outbox'>, workerId: string, now: string) {
  return eb.or([
    eb('outbox.conversation_id', 'is', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('outbox as held')
          .select('held.id')
          .whereRef('held.conversation_id', '=', 'outbox.conversation_id')
          .where('held.claimed_by', '!=', workerId)
          .where('held.claimed_until', '>', now)
          .where('held.delivered_at', 'is', null)
          .where('held.failed_at', 'is', null),
      ),
    ),
  ]);
}

/** The row is still the worker's (when one is named): its lease was not run out and taken. */
export function stillClaimedBy(eb: ExpressionBuilder<EscalationDeskTables, 'outbox'>, workerId: string | undefined) {
  return workerId === undefined ? sql<boolean>`1 = 1` : eb('claimed_by', '=', workerId);
}
