// The brief as plain text, in one fixed layout that people paste and integrations parse: its
// golden tests (tests/domain/briefText.test.ts, tests/support/briefs.ts fullBriefText) are the spec.
import { type Brief, isBug } from './brief';
import { severityLabels, slaStatusLabels, targetLabels } from './vocabulary';

const noneGiven = '- none given';

export function briefText(brief: Brief): string {
  const { impact, reproduction, customerCommunication: comms, needed } = brief;
  const customers =
    impact.customerNames.length > 0
      ? `${impact.customersAffected} (${impact.customerNames.join(', ')})`
      : `${impact.customersAffected}`;

  const sections: string[][] = [
    [
      `ESCALATION: ${brief.summary}`,
      `Severity: ${severityLabels[brief.severity]}`,
      `Target: ${targetLabels[brief.target]}`,
    ],
    [
      'IMPACT',
      `- Customers affected: ${customers}`,
      `- Workflow impact: ${orNone(impact.workflowImpact)}`,
      `- Revenue at risk: ${orNone(impact.revenueAtRisk)}`,
      `- SLA status: ${slaStatusLabels[impact.slaStatus]}`,
    ],
    ['ISSUE DESCRIPTION', brief.description],
  ];

  const hasReproduction =
    reproduction.steps.length > 0 || reproduction.expected || reproduction.actual || reproduction.environment;
  if (hasReproduction) {
    sections.push([
      'REPRODUCTION STEPS',
      ...(reproduction.steps.length > 0 ? numbered(reproduction.steps) : [noneGiven]),
      `Expected: ${orNone(reproduction.expected)}`,
      `Actual: ${orNone(reproduction.actual)}`,
      `Environment: ${orNone(reproduction.environment)}`,
    ]);
  } else if (isBug(brief.target, brief.signals)) {
    sections.push(['REPRODUCTION STEPS', noneGiven]);
  }

  sections.push([
    "WHAT'S BEEN TRIED",
    ...(brief.tried.length > 0 ? numbered(brief.tried.map((t) => `${t.action} -> ${t.result}`)) : [noneGiven]),
  ]);

  const hasComms = comms.lastUpdateDate || comms.lastUpdateSummary || comms.customerExpectation || comms.escalationRisk;
  sections.push(
    hasComms
      ? [
          'CUSTOMER COMMUNICATION',
          `- Last update: ${lastUpdate(comms.lastUpdateDate, comms.lastUpdateSummary)}`,
          `- Customer expectation: ${orNone(comms.customerExpectation)}`,
          `- Escalation risk: ${orNone(comms.escalationRisk)}`,
        ]
      : ['CUSTOMER COMMUNICATION', noneGiven],
  );

  sections.push([
    "WHAT'S NEEDED",
    ...(needed.asks.length > 0 ? needed.asks.map((ask) => `- ${ask}`) : [noneGiven]),
    `- Deadline: ${orNone(deadline(needed))}`,
  ]);

  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** The deadline as the requester wrote it, with their zone unless it is UTC: "2026-11-30 17:00 (America/New_York)". */
export function deadline(needed: Brief['needed']): string | undefined {
  const { deadlineDate: date, deadlineTime: time, deadlineZone: zone } = needed;
  if (!date) return undefined;
  const written = time ? `${date} ${time}` : date;
  return zone && zone !== 'UTC' ? `${written} (${zone})` : written;
}

function lastUpdate(date?: string, said?: string): string {
  if (date && said) return `${date} — ${said}`;
  return date ?? said ?? 'none given';
}

function numbered(items: string[]): string[] {
  return items.map((item, i) => `${i + 1}. ${item}`);
}

function orNone(value: string | undefined): string {
  return value && value.length > 0 ? value : 'none given';
}
