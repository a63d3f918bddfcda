// The escalation brief: one zod schema is the validation, the type and the message
// a support agent reads when a field needs fixing. Input ids are those of the form
// (cards/escalation-form.json); a card submits strings, JSON clients may send natural types.
// Its caps are domain/caps.ts'; what makes it a bug report, domain/tiers.ts isBug.
import { z } from 'zod';
import { caps } from './caps';
import { decimalNumber, hasControlCharacters, isCalendarDate, shownValue } from './clientText';
import { type DeskPlace, type Ticket, ticketFromReference } from './tickets';
import { dateTimeWithOffset, knownTimeZone, zonedMoment } from './timeZones';
import type { FormInput } from './verbs';
import {
  oneOf,
  type Severity,
  type Signal,
  type SlaStatus,
  severities,
  signals,
  slaStatuses,
  type Target,
  targets,
} from './vocabulary';

const trimmed = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const text = value.replace(/\r\n?/g, '\n').trim();
  return text === '' ? undefined : text;
};

/** Text with no control characters: `label` names the field in the message. */
const plain = (label: string) => (schema: z.ZodString) =>
  schema.refine((s) => !hasControlCharacters(s), `${label} must not contain control characters`);

/** A field schema whose output is optional unless `required` is true. */
type Field<R extends boolean, T> = z.ZodType<R extends true ? T : T | undefined>;

function text<R extends boolean>(label: string, max: number, required: R): Field<R, string> {
  const base = z.string({
    error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be text`),
  });
  const capped = plain(label)(base.max(max, `${label} must be at most ${max} characters`));
  return z.preprocess(trimmed, required ? capped : capped.optional()) as Field<R, string>;
}

function oneLine<R extends boolean>(label: string, max: number, required: R): Field<R, string> {
  const base = plain(label)(
    z.string({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be text`) }),
  ).refine((s) => s.length <= max && !s.includes('\n'), `${label} must be one line of at most ${max} characters`);
  return z.preprocess(trimmed, required ? base : base.optional()) as Field<R, string>;
}

function choice<const T extends readonly [string, ...string[]], R extends boolean>(
  label: string,
  values: T,
  required: R,
): Field<R, T[number]> {
  const base = z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `${label} is required: choose ${oneOf(values)}`
        : `${label} must be ${oneOf(values)}, not ${shownValue(issue.input)}`,
  });
  const normalised = (v: unknown) => (typeof v === 'string' ? trimmed(v.toLowerCase().replace(/[\s-]+/g, '_')) : v);
  return z.preprocess(normalised, required ? base : base.optional()) as Field<R, T[number]>;
}

/** One item a line (or an array over JSON); list markers like "1." or "-" are dropped. */
const splitLines = (value: unknown) => {
  const items = typeof value === 'string' ? value.split(/\r?\n/) : Array.isArray(value) ? value : value;
  if (!Array.isArray(items)) return items;
  return items
    .map((item) => (typeof item === 'string' ? item.trim().replace(/^(\d+[.)]|[-*•])\s+/, '') : item))
    .filter((item) => item !== '' && item !== undefined && item !== null);
};

function lines<R extends boolean>(label: string, itemLabel: string, maxItems: number, required: R): Field<R, string[]> {
  const base = z
    .array(
      plain(label)(
        z
          .string({ error: `Each ${itemLabel} must be text` })
          .max(caps.line, `Each ${itemLabel} must be at most ${caps.line} characters`),
      ),
      {
        error: (issue) =>
          issue.input === undefined ? `${label} is required` : `${label} must be text, one ${itemLabel} a line`,
      },
    )
    .max(maxItems, `${label} can have at most ${maxItems} lines`);
  return z.preprocess(
    (v) => {
      const list = splitLines(v);
      return Array.isArray(list) && list.length === 0 ? undefined : list;
    },
    required ? base : base.optional(),
  ) as Field<R, string[]>;
}

const commaList = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

function date(label: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? trimmed(v.slice(0, 10)) : v),
    z
      .string({ error: `${label} must be a date like 2026-11-28` })
      .refine(isCalendarDate, `${label} must be a real date like 2026-11-28`)
      .optional(),
  );
}

/** A deadline: a date (read in the zone of whoever sent it), or a date-time with its offset. */
const deadlineDate = z.preprocess(
  (v) => (typeof v === 'string' ? trimmed(v) : v),
  z
    .string({ error: 'Deadline date must be a date like 2026-11-28' })
    .refine(
      (s) => isCalendarDate(s) || (dateTimeWithOffset(s) !== undefined && isCalendarDate(s.slice(0, 10))),
      'Deadline date must be a real date like 2026-11-28, or a date-time with its offset like 2026-11-28T17:00:00+01:00',
    )
    .optional(),
);

const timeOfDay = z.preprocess(
  (v) => (typeof v === 'string' ? trimmed(v.slice(0, 5)) : v),
  z
    .string({ error: 'Deadline time must be a time like 17:00' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Deadline time must be a time like 17:00')
    .optional(),
);

/** "action -> result", or {action, result} over JSON. */
const triedStep = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const arrow = v.match(/\s*(->|→|=>)\s*/);
    if (!arrow || arrow.index === undefined) return { action: v, result: undefined };
    return { action: v.slice(0, arrow.index).trim(), result: v.slice(arrow.index + arrow[0].length).trim() };
  },
  z.object(
    {
      action: plain("What's been tried")(
        z.string({ error: "Each line of What's been tried needs what was done before the '->'" }),
      )
        .min(1, "Each line of What's been tried needs what was done before the '->'")
        .max(caps.line, `Each line of What's been tried must be at most ${caps.line} characters`),
      result: plain("What's been tried")(
        z.string({ error: "Each line of What's been tried needs 'action -> result': add what happened after '->'" }),
      )
        .min(1, "Each line of What's been tried needs 'action -> result': add what happened after '->'")
        .max(caps.line, `Each line of What's been tried must be at most ${caps.line} characters`),
    },
    { error: "What's been tried must be one 'action -> result' a line" },
  ),
);

/** The form as submitted: flat, with the input ids of cards/escalation-form.json. */
/** Every input of the form, checked against the contract's list (domain/verbs.ts formInputs). */
const formFields = {
  signals: z
    .preprocess(
      commaList,
      z
        .array(
          z.enum(signals as [Signal, ...Signal[]], {
            error: (issue) => `${shownValue(issue.input)} is not a known signal id`,
          }),
          { error: 'Signals must be a comma-separated list of signal ids' },
        )
        .max(signals.length, 'Too many signals'),
    )
    .optional(),
  summary: oneLine('Summary', caps.summary, true),
  severity: choice('Severity', severities, true),
  target: choice('Target', targets, true),
  customersAffected: z.preprocess(
    decimalNumber,
    z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? 'Customers affected is required: how many customers hit this?'
            : 'Customers affected must be a whole number',
      })
      .int('Customers affected must be a whole number')
      .min(1, 'Customers affected must be at least 1')
      .max(caps.customersAffected, `Customers affected must be at most ${caps.customersAffected}`),
  ),
  customerNames: z
    .preprocess(
      commaList,
      z
        .array(
          plain('Customer names')(
            z
              .string({ error: 'Customer names must be text' })
              .max(caps.customerName, `Each customer name must be at most ${caps.customerName} characters`),
          ),
          { error: 'Customer names must be a comma-separated list' },
        )
        .max(caps.customerNames, `Name at most ${caps.customerNames} customers`),
    )
    .optional(),
  workflowImpact: text('Workflow impact', caps.text, true),
  revenueAtRisk: text('Revenue at risk', caps.shortText, false),
  slaStatus: choice('SLA status', slaStatuses, false),
  description: text('Description', caps.description, true),
  reproSteps: lines('Reproduction steps', 'reproduction step', caps.reproSteps, false),
  expected: text('Expected', caps.longText, false),
  actual: text('Actual', caps.longText, false),
  environment: text('Environment', caps.text, false),
  tried: z
    .preprocess(
      (v) => {
        const list = splitLines(v);
        return Array.isArray(list) && list.length === 0 ? undefined : list;
      },
      z
        .array(triedStep, { error: "What's been tried must be one 'action -> result' a line" })
        .max(caps.tried, `What's been tried can have at most ${caps.tried} lines`),
    )
    .optional(),
  lastUpdateDate: date('Last update date'),
  lastUpdateSummary: text('Last update', caps.longText, false),
  customerExpectation: text('Customer expectation', caps.text, false),
  escalationRisk: text('Escalation risk', caps.text, false),
  asks: lines("What's needed", 'ask', caps.asks, true),
  deadlineDate,
  deadlineTime: timeOfDay,
  ticket: oneLine('Ticket', caps.ticket, false),
} satisfies Record<FormInput, z.ZodType>;

export const briefFormSchema = z.object(formFields).superRefine((form, ctx) => {
  const named = form.customerNames?.length ?? 0;
  if (named > form.customersAffected) {
    ctx.addIssue({
      code: 'custom',
      path: ['customersAffected'],
      message: `Customers affected (${form.customersAffected}) is fewer than the ${named} customers named`,
    });
  }
  if (form.deadlineTime && form.deadlineDate && dateTimeWithOffset(form.deadlineDate)) {
    ctx.addIssue({
      code: 'custom',
      path: ['deadlineTime'],
      message: 'Deadline time is already in the deadline date-time: give it once',
    });
  }
  if (form.deadlineTime && !form.deadlineDate) {
    ctx.addIssue({
      code: 'custom',
      path: ['deadlineDate'],
      message: 'Deadline date is needed when a deadline time is given',
    });
  }
});

export type BriefForm = z.output<typeof briefFormSchema>;

/** The brief as stored and shown: the sections of the structured brief (domain/briefSections.ts lays them out). */
export interface Brief {
  summary: string;
  severity: Severity;
  target: Target;
  signals: Signal[];
  impact: {
    customersAffected: number;
    customerNames: string[];
    workflowImpact: string;
    revenueAtRisk?: string;
    slaStatus: SlaStatus;
    /** False when the form left the customer's SLA status out (slaStatus then reads "within"). */
    slaStatusReported?: boolean;
  };
  description: string;
  reproduction: { steps: string[]; expected?: string; actual?: string; environment?: string };
  tried: { action: string; result: string }[];
  customerCommunication: {
    lastUpdateDate?: string;
    lastUpdateSummary?: string;
    customerExpectation?: string;
    escalationRisk?: string;
  };
  needed: {
    asks: string[];
    /** As the requester wrote them, in their zone. */
    deadlineDate?: string;
    deadlineTime?: string;
    /** The zone they wrote it in: an IANA name or an offset; UTC when nobody said. */
    deadlineZone?: string;
    /** The moment it falls due (UTC ISO): the end of the day when no time was given. */
    deadlineAt?: string;
  };
  /** The help-desk ticket it came from (domain/tickets.ts). */
  ticket?: Ticket;
}

export interface BriefContext {
  /** The zone of the person sending the form (Teams' localTimezone): how their dates and times are read. */
  timeZone?: string;
  /** The connected help desks: how a ticket's number or link is read. */
  desks?: readonly DeskPlace[];
}

/** A deadline as written, and when it falls due. */
function deadlineOf(form: BriefForm, context: BriefContext): Partial<Brief['needed']> {
  if (!form.deadlineDate) return {};
  const written = dateTimeWithOffset(form.deadlineDate);
  if (written) {
    return {
      deadlineDate: written.date,
      deadlineTime: written.time,
      deadlineZone: written.zone,
      deadlineAt: written.moment,
    };
  }
  const zone = knownTimeZone(context.timeZone) ?? 'UTC';
  return {
    deadlineDate: form.deadlineDate,
    deadlineTime: form.deadlineTime,
    deadlineZone: zone,
    deadlineAt: zonedMoment(form.deadlineDate, form.deadlineTime ?? '23:59', zone),
  };
}

export function briefFromForm(form: BriefForm, context: BriefContext = {}): Brief {
  return {
    summary: form.summary,
    severity: form.severity,
    target: form.target,
    signals: [...new Set(form.signals ?? [])],
    impact: {
      customersAffected: form.customersAffected,
      customerNames: form.customerNames ?? [],
      workflowImpact: form.workflowImpact,
      revenueAtRisk: form.revenueAtRisk,
      slaStatus: form.slaStatus ?? 'within',
      ...(form.slaStatus ? {} : { slaStatusReported: false }),
    },
    description: form.description,
    reproduction: {
      steps: form.reproSteps ?? [],
      expected: form.expected,
      actual: form.actual,
      environment: form.environment,
    },
    tried: (form.tried ?? []).map(({ action, result }) => ({ action, result })),
    customerCommunication: {
      lastUpdateDate: form.lastUpdateDate,
      lastUpdateSummary: form.lastUpdateSummary,
      customerExpectation: form.customerExpectation,
      escalationRisk: form.escalationRisk,
    },
    needed: { asks: form.asks, ...deadlineOf(form, context) },
  };
}

/** The form's ticket, read against the connected desks: a Ticket, or the problem to show on the field. */
function ticketOfForm(form: BriefForm, context: BriefContext): Ticket | FieldProblem | undefined {
  if (!form.ticket) return undefined;
  const read = ticketFromReference(form.ticket, context.desks ?? []);
  return 'problem' in read ? { field: 'ticket', message: read.problem } : read;
}

export interface FieldProblem {
  /** The form input id the problem is about, e.g. "summary". */
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

const linedFields = new Set(['reproSteps', 'tried', 'asks']);

/** Every problem of a zod error, one per field (the first is the one to fix first). */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'body';
    const line = issue.path[1];
    const where = typeof line === 'number' && linedFields.has(field) ? ` (line ${line + 1})` : '';
    if (!byField.has(field)) byField.set(field, `${issue.message}${where}`);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

export function parseBrief(input: unknown, context: BriefContext = {}): Parsed<Brief> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, problems: [{ field: 'body', message: 'Send the escalation form fields as a JSON object' }] };
  }
  const result = briefFormSchema.safeParse(input);
  if (!result.success) return { ok: false, problems: fieldProblems(result.error) };
  const ticket = ticketOfForm(result.data, context);
  if (ticket && 'message' in ticket) return { ok: false, problems: [ticket] };
  return { ok: true, value: { ...briefFromForm(result.data, context), ...(ticket && { ticket }) } };
}
