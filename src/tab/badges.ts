// Severity and SLA state as badges, coloured as Teams colours urgency (severity's colour is the
// severity table's, domain/vocabulary.ts). The queue's rows use light spans styled with Fluent's
// badge tokens (hundreds of rows draw fast); the detail, Fluent's own.
import { type Severity, type SlaStatus, severityLabels, severityTraits, slaStatusLabels } from '../domain/vocabulary';
import { h } from './dom';

export const slaColors: Record<SlaStatus, string> = { breached: 'danger', at_risk: 'warning', within: 'success' };

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
      ? [slaStatusLabels[value as SlaStatus], slaColors[value as SlaStatus], 'tint' as const]
      : [severityLabels[value as Severity], severityTraits[value as Severity].badge, 'filled' as const];
  return h('span', { class: `badge ${appearance}`, style: rowPaint(appearance, color) }, label);
}

/** The Fluent palette behind each badge colour the rows use; any other (informative) is neutral. */
const palettes: Record<string, string> = {
  danger: 'Red',
  severe: 'DarkOrange',
  warning: 'DarkOrange',
  success: 'Green',
};

/** A row badge's colours: the tokens Fluent's own badge takes from its palette (board.css draws them). */
function rowPaint(appearance: 'filled' | 'tint', color: string): string {
  const palette = palettes[color];
  const [background, text, border] = !palette
    ? ['colorNeutralBackground5', 'colorNeutralForeground3', '']
    : appearance === 'filled'
      ? [`colorPalette${palette}Background3`, 'colorNeutralForegroundOnBrand', '']
      : [`colorPalette${palette}Background1`, `colorPalette${palette}Foreground1`, `colorPalette${palette}Border1`];
  const borderColour = border ? `var(--${border})` : 'transparent';
  return `--badge-background: var(--${background}); --badge-text: var(--${text}); --badge-border: ${borderColour}`;
}
