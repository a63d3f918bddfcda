// The SLA policy as data: per severity, how soon an escalation must be acknowledged,
// how often the customer must hear from us, and how soon it must be resolved.
import { z } from 'zod';
import { shownValue } from './clientText';
import { parseDuration } from './duration';
import { type Severity, severities } from './vocabulary';

export const slaClocks = ['acknowledge', 'customerUpdate', 'resolve'] as const;
export type SlaClock = (typeof slaClocks)[number];

/** Milliseconds per clock, per severity. */
export type SlaPolicy = Record<Severity, Record<SlaClock, number>>;

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const defaultSlaPolicy: SlaPolicy = {
  critical: { acknowledge: 15 * minute, customerUpdate: hour, resolve: 4 * hour },
  high: { acknowledge: hour, customerUpdate: 4 * hour, resolve: day },
  medium: { acknowledge: 4 * hour, customerUpdate: day, resolve: 3 * day },
};

const duration = z
  .string({ error: 'must be an ISO-8601 duration such as "PT30M"' })
  .refine((text) => parseDuration(text) !== undefined, {
    error: (issue) => `${shownValue(issue.input)} is not an ISO-8601 duration such as "PT15M", "PT4H", "P1D" or "PT5S"`,
  })
  .transform((text) => parseDuration(text) as number);

const clocksOverride = z.strictObject(
  { acknowledge: duration.optional(), customerUpdate: duration.optional(), resolve: duration.optional() },
  { error: 'must be an object with acknowledge, customerUpdate and/or resolve' },
);

export const slaPolicyFileSchema = z.strictObject(
  { critical: clocksOverride.optional(), high: clocksOverride.optional(), medium: clocksOverride.optional() },
  { error: 'must be a JSON object with critical, high and/or medium' },
);

/** A severity or clock the file leaves out keeps its default. */
export function slaPolicyFrom(file: z.output<typeof slaPolicyFileSchema>): SlaPolicy {
  const policy = structuredClone(defaultSlaPolicy);
  for (const severity of severities) {
    const override = file[severity];
    if (override) Object.assign(policy[severity], stripUndefined(override));
  }
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
