// The brief's sections, in the order and words people read them: the one layout the text brief
// (domain/briefText.ts), the Teams and Outlook card (src/teams/cards/briefCard.ts), the email
// (src/mail/compose.ts) and the board's detail (src/tab/detail.ts) all draw. Each draws it its
// own way; what a section is called, what it holds and what reads "none given" is decided here.
import type { Brief } from './brief';
import { isBug } from './tiers';
import { slaStatusLabels } from './vocabulary';

export const noneGiven = 'none given';

export type BriefLine =
  /** "Label: value"; no value reads "none given". */
  | {
      kind: 'fact';
      label: string;
      value?: string;
      /** The text brief's own words for it, where its fixed layout says it otherwise. */
      asText?: { label: string; value: string };
      /** A moment (UTC ISO) a host that can shows in its reader's zone instead of `value`; `dateOnly` when no time was given. */
      moment?: { at: string; dateOnly: boolean };
    }
  /** A list (steps and what was tried are numbered); an empty one reads "none given". */
  | { kind: 'list'; numbered: boolean; items: string[] }
  /** A paragraph. */
  | { kind: 'text'; text: string };

export type FactLine = Extract<BriefLine, { kind: 'fact' }>;
export type ListLine = Extract<BriefLine, { kind: 'list' }>;
export type TextLine = Extract<BriefLine, { kind: 'text' }>;

export type SectionKey = 'impact' | 'description' | 'reproduction' | 'tried' | 'communication' | 'needed';

export interface BriefSection {
  key: SectionKey;
  heading: string;
  /** False: nothing was given (its lines read "none given"). */
  given: boolean;
  lines: BriefLine[];
}

export const sectionHeadings: Record<SectionKey, string> = {
  impact: 'Impact',
  description: 'Issue description',
  reproduction: 'Reproduction steps',
  tried: "What's been tried",
  communication: 'Customer communication',
  needed: "What's needed",
};

/**
 * The brief's sections. Reproduction steps are left out when nothing of them was given and the
 * escalation is not a bug report.
 */
export function briefSections(brief: Brief): BriefSection[] {
  const { impact, reproduction: repro, customerCommunication: comms, needed } = brief;
  const hasRepro = repro.steps.length > 0 || Boolean(repro.expected || repro.actual || repro.environment);
  const hasComms = Boolean(
    comms.lastUpdateDate || comms.lastUpdateSummary || comms.customerExpectation || comms.escalationRisk,
  );
  const sections: BriefSection[] = [
    section('impact', true, [
      fact('Customers affected', customersAffected(brief)),
      fact('Workflow impact', impact.workflowImpact),
      fact('Revenue at risk', impact.revenueAtRisk),
      {
        kind: 'fact',
        label: 'Customer SLA',
        value: impact.slaStatusReported === false ? undefined : slaStatusLabels[impact.slaStatus],
        // The text brief always says a status.
        asText: { label: 'SLA status', value: slaStatusLabels[impact.slaStatus] },
      },
    ]),
    section('description', true, [{ kind: 'text', text: brief.description }]),
  ];
  if (hasRepro || isBug(brief.target, brief.signals)) {
    sections.push(
      section('reproduction', hasRepro, [
        { kind: 'list', numbered: true, items: repro.steps },
        fact('Expected', repro.expected),
        fact('Actual', repro.actual),
        fact('Environment', repro.environment),
      ]),
    );
  }
  sections.push(
    section('tried', brief.tried.length > 0, [
      { kind: 'list', numbered: true, items: brief.tried.map((t) => `${t.action} -> ${t.result}`) },
    ]),
    section('communication', hasComms, [
      fact('Last update', lastUpdate(comms.lastUpdateDate, comms.lastUpdateSummary)),
      fact('Customer expectation', comms.customerExpectation),
      fact('Escalation risk', comms.escalationRisk),
    ]),
    section('needed', true, [
      { kind: 'list', numbered: false, items: needed.asks },
      {
        ...fact('Deadline', deadline(needed)),
        ...(needed.deadlineAt ? { moment: { at: needed.deadlineAt, dateOnly: !needed.deadlineTime } } : {}),
      },
    ]),
  );
  return sections;
}

function section(key: SectionKey, given: boolean, lines: BriefLine[]): BriefSection {
  return { key, heading: sectionHeadings[key], given, lines };
}

function fact(label: string, value: string | undefined): BriefLine {
  return { kind: 'fact', label, value: value && value.length > 0 ? value : undefined };
}

/** "3 (Acme, Globex)". */
export function customersAffected(brief: Brief): string {
  const { customersAffected: count, customerNames: names } = brief.impact;
  return names.length > 0 ? `${count} (${names.join(', ')})` : String(count);
}

function lastUpdate(date?: string, said?: string): string | undefined {
  if (date && said) return `${date} — ${said}`;
  return date ?? said;
}

/** The deadline as the requester wrote it, with their zone unless it is UTC: "2026-11-30 17:00 (America/New_York)". */
export function deadline(needed: Brief['needed']): string | undefined {
  const { deadlineDate: date, deadlineTime: time, deadlineZone: zone } = needed;
  if (!date) return undefined;
  const written = time ? `${date} ${time}` : date;
  return zone && zone !== 'UTC' ? `${written} (${zone})` : written;
}

/** A fact's value as read: what was given, or "none given". */
export function factValue(line: FactLine): string {
  return line.value ?? noneGiven;
}
