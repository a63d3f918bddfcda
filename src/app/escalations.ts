// Use cases that read escalations: one with its SLA state and timeline, or a list.
import { z } from 'zod';
import { fieldProblems, type Parsed } from '../domain/brief';
import { hasControlCharacters } from '../domain/clientText';
import type { Escalation, Person, TimelineEntry } from '../domain/escalation';
import { type SlaState, slaState } from '../domain/sla';
import type { SlaPolicy } from '../domain/slaPolicy';
import type { Clock, EscalationFilter, EscalationStore } from './ports';

export interface EscalationDeps {
  store: EscalationStore;
  clock: Clock;
  slaPolicy: SlaPolicy;
}

export interface EscalationDetail {
  escalation: Escalation;
  sla: SlaState;
  timeline: TimelineEntry[];
}

export async function escalationDetail(deps: EscalationDeps, id: string): Promise<EscalationDetail | undefined> {
  const escalation = await deps.store.getEscalation(id);
  if (!escalation) return undefined;
  const timeline = await deps.store.timeline(id);
  return { escalation, timeline, sla: slaState(escalation, timeline, deps.clock.now(), deps.slaPolicy) };
}

export function listEscalations(deps: EscalationDeps, filter: EscalationFilter): Promise<Escalation[]> {
  return deps.store.listEscalations(filter);
}

const requesterSchema = z.object(
  {
    name: z
      .string({ error: 'requester.name is required: who is escalating?' })
      .trim()
      .min(1, 'requester.name is required: who is escalating?')
      .max(200, 'requester.name must be at most 200 characters')
      .refine((name) => !hasControlCharacters(name), 'requester.name must not contain control characters'),
    email: z.email('requester.email must be an email address').optional(),
  },
  { error: 'requester is required: {"name": "...", "email": "..."}' },
);

/** The person behind an API call: `requester: {name, email?}`. */
export function parseRequester(value: unknown): Parsed<Person> {
  const parsed = requesterSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: fieldProblems(parsed.error).map((p) => ({ ...p, field: 'requester' })) };
}
