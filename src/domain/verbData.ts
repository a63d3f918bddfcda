// How each verb's data (domain/verbs.ts) is read: checked by its schema and turned into what it
// asks for, or a sentence saying what to fix. Keyed by the verb table, so a verb that acts on an
// escalation cannot be added without saying how its data is read.
import { z } from 'zod';
import { caps, moveCaps } from './caps';
import { hasControlCharacters } from './clientText';
import { parseAddresses } from './emailing';
import { escalationIdPattern } from './escalation';
import type { CardAction } from './lifecycle';
import { targets } from './tiers';
import { type VerbKey, verbs } from './verbs';
import { statuses } from './vocabulary';

/** A verb's data turned into what it asks for, or a sentence saying what to fix. */
export type DataReader<T> = (data: Record<string, unknown>) => T | string;

/** Who "Assign" names: someone by id (the roster says who), or nobody (the person who clicked). */
export interface AssignRequest {
  id?: string;
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

/**
 * "Assign": an id to look up, none (the person who clicked), or what to fix. The card's "Assign
 * to" list marks its button `fromList`: nobody picked is not "me".
 */
export const readAssignee: DataReader<AssignRequest> = (data) => {
  const assignee = typeof data.assignee === 'string' ? data.assignee.trim() : '';
  const pickOne = 'Choose the person to assign it to from the list.';
  if (!assignee) return data.fromList === true ? pickOne : {};
  return /^[\w:.@-]{1,128}$/.test(assignee) ? { id: assignee } : pickOne;
};

/** "Swarm": the people picked (Entra object ids, comma-separated as a multi-select sends them), or what to fix. */
export const readPeople: DataReader<string[]> = (data) => {
  const given = data.people;
  if (given === undefined || given === null || given === '') return [];
  if (typeof given !== 'string' || given.length > 2000) return 'Pick people from the list.';
  const ids = given
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length > 20) return 'Pick at most 20 people: a swarm is a few who can fix it.';
  return ids.every((id) => /^[\w:.@-]{1,128}$/.test(id)) ? ids : 'Pick people from the list.';
};

/** The verbs that act on an escalation and whose data reads straight into the action ("assign" asks the roster). */
type ActionVerb = Extract<VerbKey, 'setStatus' | 'logCustomerUpdate' | 'addNote' | 'retarget' | 'link' | 'email'>;

export const actionReaders: Record<ActionVerb, DataReader<CardAction>> = {
  setStatus: reading(
    z.object({
      status: z.enum(statuses, { error: `Choose a status: ${statuses.join(', ')}` }),
      resolution: optionalText('Resolution', moveCaps.resolution),
      reason: optionalText('Reason', moveCaps.reason),
    }),
    (d): CardAction => ({ kind: 'setStatus', ...d }),
  ),
  logCustomerUpdate: reading(
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
  addNote: reading(
    z.object({ note: text('Note', moveCaps.note) }),
    (d): CardAction => ({ kind: 'addNote', note: d.note }),
  ),
  retarget: reading(
    z.object({
      target: z.enum(targets, { error: `Choose the tier to move it to: ${targets.join(', ')}` }),
      reason: text('Why', moveCaps.reason),
    }),
    (d): CardAction => ({ kind: 'retarget', ...d }),
  ),
  link: reading(
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
  email: (data) => {
    const parsed = parseAddresses(data.addresses);
    return 'problem' in parsed ? parsed.problem : { kind: 'email', addresses: parsed.addresses };
  },
};

/** Each action verb by name with its reader. */
export const actionVerbs = (Object.keys(actionReaders) as ActionVerb[]).map((key) => ({
  ...verbs[key],
  read: actionReaders[key],
}));

/** The readers of the action verbs' data by name (a Map: a verb is client text, never an object key). */
export const actionReaderNamed = new Map(actionVerbs.map((verb) => [verb.name as string, verb.read]));
