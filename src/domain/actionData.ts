// What a lifecycle verb's data asks for, read the same way from a card (Teams, Outlook) and from
// the board: each verb's data checked by its schema and turned into the action, or a sentence
// saying what to fix. "Assign" to someone else needs the Teams roster: teams/cardActions.ts.
import { z } from 'zod';
import { hasControlCharacters } from './clientText';
import { parseAddresses } from './emailing';
import { escalationIdPattern } from './escalation';
import type { CardAction } from './lifecycle';
import { statuses, targets } from './vocabulary';

/** A verb's data turned into the action it asks for, or a sentence saying what to fix. */
export type ActionDataReader = (data: Record<string, unknown>) => CardAction | string;

const text = (label: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z
      .string({ error: `${label} is required` })
      .max(max, `${label} must be at most ${max} characters`)
      .refine((s) => !hasControlCharacters(s), `${label} must not contain control characters`),
  );
/** Left empty is not given: some clients send an empty input as "", others leave it out. */
const optionalText = (label: string, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), text(label, max).optional());

/** A reader that checks a verb's data with its schema (built once) and makes the action. */
function reading<S extends z.ZodType>(schema: S, toAction: (value: z.output<S>) => CardAction): ActionDataReader {
  return (data) => {
    const parsed = schema.safeParse(data);
    return parsed.success
      ? toAction(parsed.data)
      : (parsed.error.issues[0]?.message ?? 'Check the values and try again.');
  };
}

/** The lifecycle verbs by name (a Map: a verb is client text, never an object key), "assign" aside. */
export const actionDataReaders = new Map<string, ActionDataReader>([
  [
    'escalation.setStatus',
    reading(
      z.object({
        status: z.enum(statuses, { error: `Choose a status: ${statuses.join(', ')}` }),
        resolution: optionalText('Resolution', 1000),
        reason: optionalText('Reason', 500),
      }),
      (d) => ({ kind: 'setStatus', ...d }),
    ),
  ],
  [
    'escalation.logCustomerUpdate',
    reading(
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
  ],
  ['escalation.addNote', reading(z.object({ note: text('Note', 1000) }), (d) => ({ kind: 'addNote', note: d.note }))],
  [
    'escalation.retarget',
    reading(
      z.object({
        target: z.enum(targets, { error: `Choose the tier to move it to: ${targets.join(', ')}` }),
        reason: text('Why', 500),
      }),
      (d) => ({ kind: 'retarget', ...d }),
    ),
  ],
  [
    'escalation.email',
    (data) => {
      const parsed = parseAddresses(data.addresses);
      return 'problem' in parsed ? parsed.problem : { kind: 'email', addresses: parsed.addresses };
    },
  ],
  [
    'escalation.link',
    reading(
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
  ],
]);

/**
 * The assignee named in "assign"'s data: an id to look up, none (the person who clicked), or what
 * to fix. The card's "Assign to" list marks its button `fromList`: nobody picked is not "me".
 */
export function assigneeIdOf(data: Record<string, unknown>): { id?: string } | string {
  const assignee = typeof data.assignee === 'string' ? data.assignee.trim() : '';
  const pickOne = 'Choose the person to assign it to from the list.';
  if (!assignee) return data.fromList === true ? pickOne : {};
  return /^[\w:.@-]{1,128}$/.test(assignee) ? { id: assignee } : pickOne;
}
