// The posted brief: what the receiving team reads and works from, kept current in place.
import template from '../../../cards/escalation-brief.json';
import type { Role } from '../../domain/access';
import { isBug } from '../../domain/brief';
import { deadline } from '../../domain/briefText';
import { type Escalation, type Person, type TimelineEntry, timelineKinds } from '../../domain/escalation';
import { availableMoves, openStatuses } from '../../domain/lifecycle';
import type { SlaState } from '../../domain/sla';
import {
  type Severity,
  severityLabels,
  slaStatusLabels,
  statusLabels,
  targetLabels,
  targets,
} from '../../domain/vocabulary';
import { type AdaptiveCard, expand, userTextSafe } from './render';

interface Fact {
  title: string;
  value: string;
}

interface Choice {
  title: string;
  value: string;
}

/** People offered in "Assign to someone": a longer list is no use on a card. */
export const maxAssignable = 50;

/** Teams refreshes a card for at most 60 people (Outlook for everyone). */
export const maxRefreshUsers = 60;

/** Which buttons the card shows: the moves the viewer may make now (domain/lifecycle.ts). */
export interface CardButtons {
  acknowledge: boolean;
  assignToMe: boolean;
  waitingOnCustomer: boolean;
  /** The owner resolves from the card's first row; the channel from More. */
  resolveNow: boolean;
  resolveLater: boolean;
  close: boolean;
  customerUpdate: boolean;
  note: boolean;
  more: boolean;
  progress: boolean;
  retarget: boolean;
  reopen: boolean;
  assignSomeone: boolean;
  link: boolean;
  email: boolean;
}

export interface BriefCardModel {
  /** 1.5 in Teams; 1.4 in Outlook, the version its Action.Execute needs. */
  cardVersion: string;
  id: string;
  version: number;
  can: CardButtons;
  /** "Assign to me", or "Take over" once someone owns it. */
  assignTitle: string;
  statusChoices: Choice[];
  targetChoices: Choice[];
  /** People the escalation can be assigned to: the tier team's members. */
  people: Choice[];
  latest: string[];
  refreshUserIds: string[];
  header: { line: string; style: string };
  summary: string;
  /** Why the last action was refused, shown to the person who tried it. */
  message: string;
  mentionText: string;
  status: Fact[];
  /** Raised to Leadership, flagged as a pattern, possibly the same as others. */
  notices: string[];
  impact: Fact[];
  description: string;
  reproduction: { shown: boolean; steps: string[]; facts: Fact[] };
  tried: string[];
  communication: Fact[];
  asks: string[];
  deadline: Fact[];
  footer: string;
  briefUrl: string;
  /** Outlook: a link that opens the card's thread in Teams; '' in Teams. */
  threadUrl: string;
}

export interface BriefCardInput {
  escalation: Escalation;
  sla: SlaState;
  /** "Brief as text": a signed link (app/briefLinks.ts) for whoever reads this card. */
  briefUrl: string;
  /** How the viewer relates to it; the posted card is seen by the tier's channel. */
  roles?: ReadonlySet<Role>;
  /** Newest last; the card shows the latest entries and refreshes for recent actors. */
  timeline?: TimelineEntry[];
  /** Actionable Email provider id, for the same card in Outlook. */
  originatorId?: string;
  /** Where the card is shown: Teams (the default) or Outlook (an actionable email, or its refresh). */
  host?: CardHost;
  /** Outlook: the card's thread in Teams, for "Open in Teams". */
  threadUrl?: string;
  /** Whom it can be assigned to (the tier team's members, known from its channel binding). */
  assignable?: Person[];
  /** Open escalations that look like the same issue (ids). */
  similar?: string[];
  message?: string;
  /** "<at>Name</at>" text of people mentioned; the entities go on the activity. */
  mentionText?: string;
}

const headerStyles: Record<Severity, { style: string }> = {
  critical: { style: 'attention' },
  high: { style: 'warning' },
  medium: { style: 'emphasis' },
};

/** Markdown and URLs of ours in the model: every other string is text people wrote, never a link. */
const ours = new Set(['mentionText', 'briefUrl', 'threadUrl']);

export type CardHost = 'teams' | 'outlook';

/** What differs between the hosts, as data on one template. */
const cardVersions: Record<CardHost, string> = { teams: '1.5', outlook: '1.4' };

export function briefCard(input: BriefCardInput): AdaptiveCard {
  const card = expand(template, userTextSafe(briefCardModel(input), ours));
  if (input.originatorId) card.originator = input.originatorId;
  if (input.host === 'outlook') {
    if (input.originatorId) {
      // The card stands for the email's body, which replies and forwards keep (a readable brief).
      card.hideOriginalBody = true;
    } else {
      // Outlook acts only on cards from a registered originator: without one, a card to read.
      delete card.actions;
      delete card.refresh;
    }
  }
  return card;
}

export function briefCardModel(input: BriefCardInput): BriefCardModel {
  const { escalation, sla, briefUrl, message, mentionText, roles = new Set(), timeline = [] } = input;
  const { brief } = escalation;
  const { impact, reproduction: repro, customerCommunication: comms } = brief;
  const none = 'none given';
  const hasRepro = repro.steps.length > 0 || Boolean(repro.expected || repro.actual || repro.environment);
  const moves = availableMoves(escalation, roles);
  const people = (input.assignable ?? [])
    .filter((p) => p.id && p.id !== escalation.owner?.id)
    .slice(0, maxAssignable)
    .map((p) => ({ title: p.name, value: p.id as string }));
  const isOwner = roles.has('owner');
  const can: CardButtons = {
    acknowledge: moves.has('progress') && escalation.status === 'new',
    assignToMe: moves.has('assign') && !isOwner,
    waitingOnCustomer: isOwner && moves.has('progress') && escalation.status !== 'waiting_on_customer',
    resolveNow: isOwner && moves.has('resolve'),
    resolveLater: !isOwner && moves.has('resolve'),
    close: moves.has('close'),
    customerUpdate: moves.has('customerUpdate'),
    note: moves.has('note'),
    progress: moves.has('progress'),
    retarget: moves.has('retarget'),
    reopen: moves.has('reopen'),
    assignSomeone: moves.has('assign') && people.length > 0,
    link: moves.has('link'),
    email: moves.has('email'),
    more: false,
  };
  can.more = can.progress || can.retarget || can.reopen || can.assignSomeone || can.link || can.email;
  return {
    cardVersion: cardVersions[input.host ?? 'teams'],
    id: escalation.id,
    version: escalation.version,
    can,
    assignTitle: escalation.owner ? 'Take over' : 'Assign to me',
    // Resolving from "Change status" (with its resolution) for those who may, but not the owner, who has Resolve.
    statusChoices: [
      ...openStatuses.filter((s) => s !== 'new' && s !== escalation.status),
      ...(can.resolveLater ? ['resolved' as const] : []),
    ].map((s) => ({ title: statusLabels[s], value: s })),
    people,
    targetChoices: targets.filter((t) => t !== brief.target).map((t) => ({ title: targetLabels[t], value: t })),
    latest: timeline
      .slice(-3)
      .reverse()
      .map((e) => `${cardTime(e.at)}: ${e.text}`),
    refreshUserIds: refreshUsers(escalation, timeline),
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
      { title: 'Raised by', value: `${escalation.requester.name}, ${cardTime(escalation.createdAt)}` },
    ],
    notices: notices(timeline, input.similar ?? []),
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
      {
        title: 'Customer SLA',
        value: impact.slaStatusReported === false ? none : slaStatusLabels[impact.slaStatus],
      },
    ],
    description: brief.description,
    reproduction: {
      shown: hasRepro || isBug(brief.target, brief.signals),
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
    deadline: [{ title: 'Deadline', value: deadlineShown(brief.needed) ?? none }],
    footer: `Version ${escalation.version} · updated ${cardTime(escalation.updatedAt)}`,
    briefUrl,
    threadUrl: input.host === 'outlook' ? (input.threadUrl ?? '') : '',
  };
}

/** "2026-11-28 14:05 UTC": one unambiguous form, where text cannot localize (chat messages). */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * A moment on a card, shown in each reader's own zone and language by Teams (the Adaptive Card
 * DATE and TIME functions, which take RFC 3339 to the second).
 */
export function cardTime(iso: string): string {
  const moment = `${iso.slice(0, 19)}Z`;
  return `{{DATE(${moment},SHORT)}} {{TIME(${moment})}}`;
}

/** The deadline in the reader's zone; as written for a brief from before deadlines had a moment. */
function deadlineShown(needed: Escalation['brief']['needed']): string | undefined {
  if (!needed.deadlineAt) return deadline(needed);
  const moment = `${needed.deadlineAt.slice(0, 19)}Z`;
  return needed.deadlineTime ? cardTime(needed.deadlineAt) : `{{DATE(${moment},SHORT)}}`;
}

function notices(timeline: TimelineEntry[], similar: string[]): string[] {
  const latest = (kind: string) => [...timeline].reverse().find((e) => e.kind === kind)?.text;
  const raised = latest(timelineKinds.raised);
  const pattern = latest(timelineKinds.pattern);
  return [
    ...(pattern ? [pattern] : []),
    ...(raised ? [raised] : []),
    ...(similar.length > 0 ? [`Possibly the same as ${similar.join(', ')}`] : []),
  ];
}

/** Who gets their own view of the card: owner, requester, then the most recent actors. */
export function refreshUsers(escalation: Escalation, timeline: TimelineEntry[]): string[] {
  const people = [escalation.owner, escalation.requester, ...timeline.map((e) => e.actor).reverse()];
  const ids = people.map((p) => p?.teamsId).filter((id): id is string => Boolean(id));
  return [...new Set(ids)].slice(0, maxRefreshUsers);
}
