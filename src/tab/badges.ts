// Fluent badges for severity and SLA state, coloured as Teams colours urgency.
import { type Severity, type SlaStatus, severityLabels, slaStatusLabels } from '../domain/vocabulary';
import { h } from './dom';

const slaColors: Record<SlaStatus, string> = { breached: 'danger', at_risk: 'warning', within: 'success' };
const severityColors: Record<Severity, string> = { critical: 'danger', high: 'severe', medium: 'informative' };

export function slaBadge(status: SlaStatus, text?: string): HTMLElement {
  return h(
    'fluent-badge',
    { appearance: 'tint', color: slaColors[status], class: `sla sla-${status}` },
    text ?? slaStatusLabels[status],
  );
}

export function severityBadge(severity: Severity): HTMLElement {
  return h('fluent-badge', { appearance: 'filled', color: severityColors[severity] }, severityLabels[severity]);
}
