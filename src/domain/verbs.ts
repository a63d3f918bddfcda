// Every verb a card (Teams, Outlook) or the board sends: its name, what people call it, the
// inputs its data carries and how that data is read. The one table of verbs: the handlers
// (src/teams/cardActions.ts, src/teams/messagingExtension.ts, src/http/boardRoutes.ts) and the
// tab import it, and a test checks every verb in cards/*.json against it.
import { z } from 'zod';
import { briefFormSchema, caps } from './brief';
import { hasControlCharacters } from './clientText';
import { parseAddresses } from './emailing';
import { escalationIdPattern } from './escalation';
import type { CardAction } from './lifecycle';
import { targets } from './tiers';
import { statuses } from './vocabulary';

/** A verb's data turned into what it asks for, or a sentence saying what to fix. */
export type DataReader<T> = (data: Record<string, unknown>) => T | string;

/** Who "Assign" names: someone by id (the roster says who), or nobody (the person who clicked). */
export interface AssignRequest {
  id?: string;
}

export interface Verb<T = unknown> {
  name: string;
  /** What people call it: the board's buttons and forms, and messages naming verbs. */
  label: string;
  /** The input ids its data carries from its card, besides escalationId and version. */
  inputs: readonly string[];
  read?: DataReader<T>;
  /** Offered on the board too. */
  onBoard?: boolean;
}

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
function reading<S extends z.ZodType, T>(schema: S, make: (value: z.output<S>) => T): DataReader<T> {
  return (data) => {
    const parsed = schema.safeParse(data);
    return parsed.success ? make(parsed.data) : (parsed.error.issues[0]?.message ?? 'Check the values and try again.');
  };
}

/** The limits of what people type into a card's move, from the brief's own caps. */
export const moveCaps = { resolution: caps.longText, reason: caps.text, note: caps.longText } as const;

const formInputs = Object.keys(briefFormSchema.shape);

/**
 * "Assign": an id to look up, none (the person who clicked), or what to fix. The card's "Assign
 * to" list marks its button `fromList`: nobody picked is not "me".
 */
function readAssignee(data: Record<string, unknown>): AssignRequest | string {
  const assignee = typeof data.assignee === 'string' ? data.assignee.trim() : '';
  const pickOne = 'Choose the person to assign it to from the list.';
  if (!assignee) return data.fromList === true ? pickOne : {};
  return /^[\w:.@-]{1,128}$/.test(assignee) ? { id: assignee } : pickOne;
}

const customerUpdateInputs = ['lastUpdateSummary', 'customerExpectation', 'escalationRisk'] as const;

export const verbs = {
  submit: { name: 'escalation.submit', label: 'Escalate', inputs: formInputs },
  evaluate: { name: 'triage.evaluate', label: 'Check the recommendation', inputs: formInputs },
  done: { name: 'dialog.done', label: 'Done', inputs: [] },
  refresh: { name: 'escalation.refresh', label: 'Refresh', inputs: [] },
  setStatus: {
    name: 'escalation.setStatus',
    label: 'Change status',
    inputs: ['status', 'resolution', 'reason'],
    onBoard: true,
    read: reading(
      z.object({
        status: z.enum(statuses, { error: `Choose a status: ${statuses.join(', ')}` }),
        resolution: optionalText('Resolution', moveCaps.resolution),
        reason: optionalText('Reason', moveCaps.reason),
      }),
      (d): CardAction => ({ kind: 'setStatus', ...d }),
    ),
  },
  assign: {
    name: 'escalation.assign',
    label: 'Assign',
    inputs: ['assignee'],
    onBoard: true,
    read: readAssignee,
  } satisfies Verb<AssignRequest>,
  logCustomerUpdate: {
    name: 'escalation.logCustomerUpdate',
    label: 'Log a customer update',
    inputs: customerUpdateInputs,
    onBoard: true,
    read: reading(
      z.object({
        lastUpdateSummary: text('What we told the customer', caps.longText),
        customerExpectation: optionalText('Customer expectation', caps.text),
        escalationRisk: optionalText('Escalation risk', caps.text),
      }),
      (d): CardAction => ({
        kind: 'logCustomerUpdate',
        summary: d.lastUpdateSummary,
        customerExpectation: d.customerExpectation,
        escalationRisk: d.escalationRisk,
      }),
    ),
  },
  addNote: {
    name: 'escalation.addNote',
    label: 'Add a note',
    inputs: ['note'],
    onBoard: true,
    read: reading(
      z.object({ note: text('Note', moveCaps.note) }),
      (d): CardAction => ({ kind: 'addNote', note: d.note }),
    ),
  },
  retarget: {
    name: 'escalation.retarget',
    label: 'Move to another tier',
    inputs: ['target', 'reason'],
    read: reading(
      z.object({
        target: z.enum(targets, { error: `Choose the tier to move it to: ${targets.join(', ')}` }),
        reason: text('Why', moveCaps.reason),
      }),
      (d): CardAction => ({ kind: 'retarget', ...d }),
    ),
  },
  link: {
    name: 'escalation.link',
    label: 'Link as the same issue',
    inputs: ['otherId'],
    read: reading(
      z.object({
        otherId: z.preprocess(
          (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
          z
            .string({ error: 'Say which escalation it is the same as, e.g. ESC-12' })
            .regex(escalationIdPattern, 'Say which escalation it is the same as, e.g. ESC-12'),
        ),
      }),
      (d): CardAction => ({ kind: 'link', otherId: d.otherId }),
    ),
  },
  email: {
    name: 'escalation.email',
    label: 'Email the brief',
    inputs: ['addresses'],
    read: (data): CardAction | string => {
      const parsed = parseAddresses(data.addresses);
      return 'problem' in parsed ? parsed.problem : { kind: 'email', addresses: parsed.addresses };
    },
  },
} as const satisfies Record<string, Verb>;

export type VerbKey = keyof typeof verbs;

/** Verbs by name (a Map: a verb is client text, never an object key). */
export const verbNamed = new Map<string, Verb>(Object.values(verbs).map((verb) => [verb.name, verb]));

/** The verbs that act on an escalation whose data reads straight into its action ("assign" asks the roster). */
export const actionVerbs = [
  verbs.setStatus,
  verbs.logCustomerUpdate,
  verbs.addNote,
  verbs.retarget,
  verbs.link,
  verbs.email,
];

/** What the board may send. */
export const boardVerbs: readonly string[] = Object.values(verbs)
  .filter((verb: Verb) => verb.onBoard === true)
  .map((verb) => verb.name);
