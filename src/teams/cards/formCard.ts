// The escalation form: signals and a Recommend button first, then every section of the
// brief, the problems of a refused submit by their fields, and what the brief still lacks.
import template from '../../../cards/escalation-form.json';
import type { FieldProblem } from '../../domain/brief';
import { lacking } from '../../domain/readiness';
import type { Triage } from '../../domain/triage';
import { type FormInput, formInputs } from '../../domain/verbs';
import {
  type Signal,
  severities,
  severityLabels,
  signalGroupLabels,
  signalGroups,
  signalLabels,
  signals,
  slaStatuses,
  slaStatusLabels,
  type Target,
  targetLabels,
  targets,
} from '../../domain/vocabulary';
import { type AdaptiveCard, expand, neverALink } from './render';

type FormField = FormInput;

interface Choice {
  title: string;
  value: string;
}

/** The template's data: every key present, so no `${...}` is left unexpanded. */
export interface FormCardModel {
  /** "dialog": a messaging-extension dialog (Action.Submit); "chat": a card in a chat (Action.Execute). */
  mode: 'dialog' | 'chat';
  notice: string;
  values: Record<FormField, string | number | null>;
  signalChoices: Choice[];
  severityChoices: Choice[];
  targetChoices: Choice[];
  slaChoices: Choice[];
  problems: Record<FormField, string> & { count: number; headline: string; list: string[] };
  recommendation: { shown: boolean; style: string; headline: string; reasons: string[] };
  /** "ESC-12: Invoices export as empty PDFs", open escalations that look the same. */
  similar: string[];
  readiness: { style: string; text: string };
}

export interface FormCardInput {
  mode: 'dialog' | 'chat';
  /** What the person typed so far (a card's submitted strings). */
  values?: Partial<Record<string, unknown>>;
  problems?: FieldProblem[];
  recommendation?: Triage;
  notice?: string;
  similar?: { id: string; summary: string }[];
}

const fieldLabels: Record<FormField, string> = {
  signals: 'Signals',
  summary: 'Summary',
  severity: 'Severity',
  target: 'Escalate to',
  customersAffected: 'Customers affected',
  customerNames: 'Customers',
  workflowImpact: 'Workflow impact',
  revenueAtRisk: 'Revenue at risk',
  slaStatus: 'SLA status',
  description: 'Issue description',
  reproSteps: 'Reproduction steps',
  expected: 'Expected',
  actual: 'Actual',
  environment: 'Environment',
  tried: "What's been tried",
  lastUpdateDate: 'Last update on',
  lastUpdateSummary: 'What we told them',
  customerExpectation: 'Customer expectation',
  escalationRisk: 'Escalation risk',
  asks: "What's needed",
  deadlineDate: 'Deadline',
  deadlineTime: 'Deadline time',
  ticket: 'Help-desk ticket',
};

export function formCard(input: FormCardInput): AdaptiveCard {
  return expand(template, formCardModel(input), true);
}

export function formCardModel(input: FormCardInput): FormCardModel {
  const { mode, values = {}, problems = [], recommendation, notice } = input;
  const shown = Object.fromEntries(formInputs.map((f) => [f, asInputValue(f, values[f])])) as Record<
    FormField,
    string | number | null
  >;
  const customers = Number(shown.customersAffected);
  shown.customersAffected = Number.isInteger(customers) && customers > 0 ? customers : null;

  const byField = Object.fromEntries(formInputs.map((f) => [f, ''])) as Record<FormField, string>;
  for (const problem of problems) {
    if (problem.field in byField) byField[problem.field as FormField] = neverALink(problem.message);
  }
  const target = targets.find((t) => t === shown.target);
  const chosenSignals = String(shown.signals ?? '')
    .split(',')
    .filter((s): s is Signal => (signals as string[]).includes(s));
  const stillLacking = lacking(stringValues(shown), target, chosenSignals);

  return {
    mode,
    notice: neverALink(notice ?? ''),
    values: shown,
    signalChoices: (Object.keys(signalGroups) as (keyof typeof signalGroups)[]).flatMap((group) =>
      signalGroups[group].map((s) => ({ title: `${signalGroupLabels[group]}: ${signalLabels[s]}`, value: s })),
    ),
    severityChoices: severities.map((s) => ({ title: severityLabels[s], value: s })),
    targetChoices: targets.map((t) => ({ title: targetLabels[t], value: t })),
    slaChoices: slaStatuses.map((s) => ({ title: slaStatusLabels[s], value: s })),
    problems: {
      ...byField,
      count: problems.length,
      headline:
        problems.length === 1
          ? 'Please fix 1 thing before escalating:'
          : `Please fix ${problems.length} things before escalating:`,
      list: problems.map((p) => neverALink(`${fieldLabels[p.field as FormField] ?? p.field}: ${p.message}`)),
    },
    recommendation: recommendationModel(recommendation),
    similar: (input.similar ?? []).map((s) => `${s.id}: ${neverALink(s.summary)}`),
    readiness: {
      style: stillLacking.length === 0 ? 'good' : 'warning',
      text:
        stillLacking.length === 0
          ? `Ready: the brief has what ${target ? targetLabels[target] : 'the receiving team'} needs to act at once.`
          : `Still missing for ${target ? targetLabels[target] : 'the receiving team'}: ${stillLacking.join(', ')}.`,
    },
  };
}

function recommendationModel(result: Triage | undefined): FormCardModel['recommendation'] {
  if (!result) return { shown: false, style: 'default', headline: '', reasons: [] };
  if (!result.escalate || !result.target || !result.severity) {
    return { shown: true, style: 'emphasis', headline: 'Not yet: no escalation signal', reasons: result.reasons };
  }
  const target: Target = result.target;
  return {
    shown: true,
    style: result.immediate ? 'attention' : 'emphasis',
    headline: `Recommended: ${targetLabels[target]}, ${severityLabels[result.severity]}${result.immediate ? ' (escalate immediately)' : ''}`,
    reasons: result.reasons,
  };
}

/** Arrays sent over JSON become what the input shows: comma lists for signals and names, else lines. */
function asInputValue(field: FormField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (!Array.isArray(value)) return String(value);
  if (field === 'signals') return value.join(',');
  if (field === 'customerNames') return value.join(', ');
  return value
    .map((item) =>
      item && typeof item === 'object' && 'action' in item
        ? `${item.action} -> ${(item as { result?: string }).result ?? ''}`
        : String(item),
    )
    .join('\n');
}

function stringValues(values: Record<FormField, string | number | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
