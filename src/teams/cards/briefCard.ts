// The posted brief: what the receiving team reads and works from, kept current in place.
import template from '../../../cards/escalation-brief.json';
import { deadline, isBug } from '../../domain/briefText';
import type { Escalation } from '../../domain/escalation';
import type { SlaState } from '../../domain/sla';
import { type Severity, severityLabels, slaStatusLabels, statusLabels, targetLabels } from '../../domain/vocabulary';
import { type AdaptiveCard, expand } from './render';

interface Fact {
  title: string;
  value: string;
}

export interface BriefCardModel {
  header: { line: string; style: string; color: string };
  summary: string;
  /** Why the last action was refused, shown to the person who tried it. */
  message: string;
  mentionText: string;
  status: Fact[];
  pattern: string;
  impact: Fact[];
  description: string;
  reproduction: { shown: boolean; steps: string[]; facts: Fact[] };
  tried: string[];
  communication: Fact[];
  asks: string[];
  deadline: Fact[];
  footer: string;
  briefUrl: string;
}

export interface BriefCardInput {
  escalation: Escalation;
  sla: SlaState;
  publicUrl: string;
  message?: string;
  /** "<at>Name</at>" text of people mentioned; the entities go on the activity. */
  mentionText?: string;
}

const headerStyles: Record<Severity, { style: string; color: string }> = {
  critical: { style: 'attention', color: 'attention' },
  high: { style: 'warning', color: 'warning' },
  medium: { style: 'emphasis', color: 'default' },
};

export function briefCard(input: BriefCardInput): AdaptiveCard {
  return expand(template, briefCardModel(input));
}

export function briefCardModel({ escalation, sla, publicUrl, message, mentionText }: BriefCardInput): BriefCardModel {
  const { brief } = escalation;
  const { impact, reproduction: repro, customerCommunication: comms } = brief;
  const none = 'none given';
  const hasRepro = repro.steps.length > 0 || Boolean(repro.expected || repro.actual || repro.environment);
  return {
    header: {
      line: `${escalation.id} · ${severityLabels[brief.severity]} · ${targetLabels[brief.target]}`,
      ...headerStyles[brief.severity],
    },
    summary: brief.summary,
    message: message ?? '',
    mentionText: mentionText ?? '',
    status: [
      { title: 'Status', value: statusLabels[escalation.status] },
      { title: 'Owner', value: escalation.owner?.name ?? 'Unassigned' },
      { title: 'SLA', value: sla.next ? `${slaStatusLabels[sla.status]}: ${sla.next}` : slaStatusLabels[sla.status] },
      { title: 'Raised by', value: `${escalation.requester.name}, ${when(escalation.createdAt)}` },
    ],
    pattern: '',
    impact: [
      {
        title: 'Customers affected',
        value:
          impact.customerNames.length > 0
            ? `${impact.customersAffected} (${impact.customerNames.join(', ')})`
            : String(impact.customersAffected),
      },
      { title: 'Workflow impact', value: impact.workflowImpact },
      { title: 'Revenue at risk', value: impact.revenueAtRisk ?? none },
      { title: 'SLA status (reported)', value: slaStatusLabels[impact.slaStatus] },
    ],
    description: brief.description,
    reproduction: {
      shown: hasRepro || isBug(brief),
      steps: repro.steps.length > 0 ? repro.steps.map((s, i) => `${i + 1}. ${s}`) : [`- ${none}`],
      facts: [
        { title: 'Expected', value: repro.expected ?? none },
        { title: 'Actual', value: repro.actual ?? none },
        { title: 'Environment', value: repro.environment ?? none },
      ],
    },
    tried: brief.tried.length > 0 ? brief.tried.map((t, i) => `${i + 1}. ${t.action} -> ${t.result}`) : [`- ${none}`],
    communication: [
      {
        title: 'Last update',
        value:
          comms.lastUpdateDate && comms.lastUpdateSummary
            ? `${comms.lastUpdateDate} — ${comms.lastUpdateSummary}`
            : (comms.lastUpdateDate ?? comms.lastUpdateSummary ?? none),
      },
      { title: 'Customer expectation', value: comms.customerExpectation ?? none },
      { title: 'Escalation risk', value: comms.escalationRisk ?? none },
    ],
    asks: brief.needed.asks.map((ask) => `- ${ask}`),
    deadline: [{ title: 'Deadline', value: deadline(brief.needed.deadlineDate, brief.needed.deadlineTime) ?? none }],
    footer: `Version ${escalation.version} · updated ${when(escalation.updatedAt)}`,
    briefUrl: `${publicUrl}/api/escalations/${escalation.id}/brief.txt`,
  };
}

/** "2026-11-28 14:05 UTC": one unambiguous form for every reader. */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
