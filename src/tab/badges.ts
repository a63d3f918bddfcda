// Severity and SLA state as badges, coloured as Teams colours urgency (severity's colour is the
// severity table's, domain/vocabulary.ts). The queue's rows use light spans styled with Fluent's
// badge tokens (hundreds of rows draw fast); the detail, Fluent's own.
import { type Severity, type SlaStatus, severityLabels, severityTraits, slaStatusLabels } from '../domain/vocabulary';
import { h } from './dom';

const slaColors: Record<SlaStatus, string> = { breached: 'danger', at_risk: 'warning', within: 'success' };

export function slaBadge(status: SlaStatus, text?: string): HTMLElement {
  return h('fluent-badge', { appearance: 'tint', color: slaColors[status] }, text ?? slaStatusLabels[status]);
}

export function severityBadge(severity: Severity): HTMLElement {
  return h('fluent-badge', { appearance: 'filled', color: severityTraits[severity].badge }, severityLabels[severity]);
}

/** The same, as a light span for the queue's rows. */
export function rowBadge(kind: 'sla', value: SlaStatus): HTMLElement;
export function rowBadge(kind: 'severity', value: Severity): HTMLElement;
export function rowBadge(kind: 'sla' | 'severity', value: string): HTMLElement {
  const [label, color, appearance] =
    kind === 'sla'
      ? [slaStatusLabels[value as SlaStatus], slaColors[value as SlaStatus], 'tint']
      : [severityLabels[value as Severity], severityTraits[value as Severity].badge, 'filled'];
  return h('span', { class: `badge ${appearance} ${color}` }, label);
}
