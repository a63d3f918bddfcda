// The posted brief: what the receiving team reads and works from, kept current in place.
import template from '../../../cards/escalation-brief.json';
import type { Following } from '../../app/following';
import type { Role } from '../../domain/access';
import type { Brief } from '../../domain/brief';
import {
  briefSections,
  type FactLine,
  factValue,
  type ListLine,
  noneGiven,
  type SectionKey,
  sectionHeadings,
  type TextLine,
} from '../../domain/briefSections';
import { type Escalation, type Person, type TimelineEntry, timelineKinds } from '../../domain/escalation';
import { isOpen, reopenedAs } from '../../domain/lifecycle';
import { type Offers, offersTo } from '../../domain/offers';
import { teamsMessageLink } from '../../domain/savedMessage';
import type { SlaState } from '../../domain/sla';
import { swarmLinks } from '../../domain/swarm';
import { type Ticket, ticketLabel } from '../../domain/tickets';
import { targetLabels, targets } from '../../domain/tiers';
import { type Status, severityLabels, severityTraits, slaStatusLabels, statusLabels } from '../../domain/vocabulary';
import { type FollowModel, followModel } from './followLine';
import { type AdaptiveCard, expand, neverALink, userTextSafe } from './render';

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

/** How far back the timeline is read for the recent actors a card refreshes for. */
const recentEntries = 100;

/** Which buttons the card shows: what the viewer is offered now (domain/offers.ts), as the card lays it out. */
export interface CardButtons extends Omit<Offers, 'assignToMe' | 'statusChoices' | 'assign'> {
  assignToMe: boolean;
  /** More opens the moves that are not on the first row. */
  more: boolean;
  progress: boolean;
  /** "Assign to": someone else, from the tier team's people. */
  assignSomeone: boolean;
}

export interface BriefCardModel {
  /** 1.5 in Teams; 1.4 in Outlook, the version its Action.Execute needs. */
  cardVersion: string;
  id: string;
  version: number;
  can: CardButtons;
  /** "Assign to me", or "Take over" once someone owns it. */
  assignTitle: string;
  /** The status "Reopen" moves it to. */
  reopenedAs: Status;
  statusChoices: Choice[];
  targetChoices: Choice[];
  /** People the escalation can be assigned to: the tier team's members. */
  people: Choice[];
  /** The latest timeline entries, newest first; `open`: our link to a saved message ('' for other entries). */
  latest: { text: string; open: string }[];
  refreshUserIds: string[];
  header: { line: string; style: string };
  summary: string;
  /** Why the last action was refused, shown to the person who tried it. */
  message: string;
  mentionText: string;
  status: Fact[];
  /** Raised to Leadership, flagged as a pattern, possibly the same as others. */
  notices: string[];
  /** The sections' headings, as every surface says them (domain/briefSections.ts). */
  headings: Record<SectionKey, string>;
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
  /** "Ticket: [Zendesk #4821](link)", the help-desk ticket it came from; '' when none. */
  ticketLine: string;
  /** Swarm and Meet now: through Graph (a ShowCard picking people) or as Teams deep links. */
  swarm: { shown: boolean; viaGraph: boolean; asLink: boolean; chatUrl: string; meetUrl: string };
  /** How many follow it, and the reader's Follow or Unfollow (app/following.ts). */
  follow: FollowModel;
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
  /** How its group chat is opened (Graph, or deep links when it is not configured), and the card's short link. */
  swarm?: { viaGraph: boolean; cardLink: string };
  message?: string;
  /** Who follows it, and how the reader stands (none: nobody is counted, nothing offered). */
  following?: Following;
  /** "<at>Name</at>" text of people mentioned; the entities go on the activity. */
  mentionText?: string;
  /**
   * Who reads a card a person inserted (a search result, an unfurled link): Teams' ids ("29:..."
   * or "8:orgid:<Entra id>") that refresh it first, so it turns into their own view when opened.
   */
  readerIds?: string[];
}

/** Markdown and URLs of ours in the model: every other string is text people wrote, never a link. */
const ours = new Set(['mentionText', 'briefUrl', 'threadUrl', 'ticketLine', 'chatUrl', 'meetUrl', 'open']);

export type CardHost = 'teams' | 'outlook';

/** What differs between the hosts, as data on one template. */
const cardVersions: Record<CardHost, string> = { teams: '1.5', outlook: '1.4' };

export function briefCard(input: BriefCardInput): AdaptiveCard {
  const card = expand(template, briefCardModel(input, true));
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

/** `safe`: every string people wrote through neverALink (render.ts), as the card shows it. */
export function briefCardModel(input: BriefCardInput, safe = false): BriefCardModel {
  const { escalation, sla, briefUrl, message, mentionText, roles = new Set(), timeline = [] } = input;
  const { brief } = escalation;
  const offers = offersTo(escalation, roles);
  const people = (input.assignable ?? [])
    .filter((p) => p.id && p.id !== escalation.owner?.id)
    .slice(0, maxAssignable)
    .map((p) => ({ title: p.name, value: p.id as string }));
  const { assignToMe, statusChoices, assign, ...rest } = offers;
  const can: CardButtons = {
    ...rest,
    assignToMe: assignToMe !== '',
    progress: statusChoices.length > 0,
    assignSomeone: assign && people.length > 0,
    more: false,
  };
  can.more = can.progress || can.retarget || can.reopen || can.assignSomeone || can.link || can.email;
  const model: Omit<BriefCardModel, keyof SectionsModel> = {
    cardVersion: cardVersions[input.host ?? 'teams'],
    id: escalation.id,
    version: escalation.version,
    can,
    assignTitle: assignToMe,
    reopenedAs,
    statusChoices: statusChoices.map((s) => ({ title: statusLabels[s], value: s })),
    people,
    targetChoices: targets.filter((t) => t !== brief.target).map((t) => ({ title: targetLabels[t], value: t })),
    latest: timeline.slice(-3).reverse().map(latestLine),
    refreshUserIds: [
      ...new Set([
        ...(input.readerIds ?? []),
        ...refreshUsers(escalation, timeline),
        ...(input.following?.teamsIds ?? []),
      ]),
    ].slice(0, maxRefreshUsers),
    header: {
      line: `${escalation.id} · ${severityLabels[brief.severity]} · ${targetLabels[brief.target]}`,
      style: severityTraits[brief.severity].cardStyle,
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
    footer: `Version ${escalation.version} · updated ${cardTime(escalation.updatedAt)}`,
    briefUrl,
    threadUrl: input.host === 'outlook' ? (input.threadUrl ?? '') : '',
    ticketLine: ticketLine(brief.ticket),
    swarm: swarmButtons(input),
    follow: followModel(input.following, input.host),
  };
  if (!safe) return { ...model, ...sectionsModel(brief) };
  return { ...userTextSafe(model, ours), ...safeSections(brief) };
}

type SectionsModel = ReturnType<typeof sectionsModel>;

/** The sections as the card shows them, kept by brief: a stored brief read back is the same object while unchanged. */
const sectionsShown = new WeakMap<Brief, SectionsModel>();

function safeSections(brief: Brief): SectionsModel {
  let shown = sectionsShown.get(brief);
  if (!shown) {
    shown = userTextSafe(sectionsModel(brief), ours);
    sectionsShown.set(brief, shown);
  }
  return shown;
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

/** The brief's sections (domain/briefSections.ts) as the card's template lays them out. */
function sectionsModel(brief: Brief) {
  const sections = new Map(briefSections(brief).map((section) => [section.key, section]));
  const lines = (key: SectionKey) => sections.get(key)?.lines ?? [];
  const facts = (key: SectionKey): Fact[] =>
    lines(key).flatMap((line) => (line.kind === 'fact' ? [{ title: line.label, value: factShown(line) }] : []));
  const list = (key: SectionKey): string[] => {
    const found = lines(key).find((line): line is ListLine => line.kind === 'list');
    if (!found?.items.length) return [`- ${noneGiven}`];
    return found.items.map((item, n) => (found.numbered ? `${n + 1}. ${item}` : `- ${item}`));
  };
  const text = lines('description').find((line): line is TextLine => line.kind === 'text');
  return {
    headings: sectionHeadings,
    impact: facts('impact'),
    description: text?.text ?? '',
    reproduction: { shown: sections.has('reproduction'), steps: list('reproduction'), facts: facts('reproduction') },
    tried: list('tried'),
    communication: facts('communication'),
    asks: list('needed'),
    deadline: facts('needed'),
  };
}

/** A fact's value; a moment in the reader's own zone. */
function factShown(line: FactLine): string {
  if (!line.moment) return factValue(line);
  return line.moment.dateOnly ? `{{DATE(${line.moment.at.slice(0, 19)}Z,SHORT)}}` : cardTime(line.moment.at);
}

/** A timeline entry on the card; a saved message's links to it in Teams (only Teams' own links, checked again). */
function latestLine(entry: TimelineEntry): BriefCardModel['latest'][number] {
  const link = teamsMessageLink(entry.link);
  return { text: `${cardTime(entry.at)}: ${entry.text}`, open: link ? ` · [open](${link})` : '' };
}

function notices(timeline: TimelineEntry[], similar: string[]): string[] {
  const latest = (kind: string) => {
    for (let n = timeline.length - 1; n >= 0; n--) if (timeline[n]?.kind === kind) return timeline[n]?.text;
    return undefined;
  };
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
  const ids = new Set<string>();
  if (escalation.owner?.teamsId) ids.add(escalation.owner.teamsId);
  if (escalation.requester.teamsId) ids.add(escalation.requester.teamsId);
  // The most recent actors first, read back only as far as needed, and never further than the
  // last hundred entries (a timeline grows long; its early actors have moved on).
  const from = Math.max(0, timeline.length - recentEntries);
  for (let n = timeline.length - 1; n >= from && ids.size < maxRefreshUsers; n--) {
    const actor = (timeline[n] as TimelineEntry).actor.teamsId;
    if (actor) ids.add(actor);
  }
  return [...ids].slice(0, maxRefreshUsers);
}

/** The ticket as a link when its link is a plain web address (a hostile one is shown as text). */
function ticketLine(ticket: Ticket | undefined): string {
  if (!ticket) return '';
  const label = neverALink(ticketLabel(ticket));
  const url = ticket.url;
  return url && /^https?:\/\/[^\s()<>[\]]+$/.test(url) ? `Ticket: [${label}](${url})` : `Ticket: ${label}`;
}

/** Swarm and Meet now, for an open escalation: its requester and owner (through Graph, Swarm's picker adds the tier's people). */
function swarmButtons({ escalation, swarm, host, assignable = [] }: BriefCardInput): BriefCardModel['swarm'] {
  if (!swarm || !isOpen(escalation.status)) {
    return { shown: false, viaGraph: false, asLink: false, chatUrl: '', meetUrl: '' };
  }
  // With the UPNs the tier team's roster gives its requester and owner (deep links name people by UPN).
  const links = swarmLinks(escalation, assignable, swarm.cardLink);
  // Outlook cannot open the chat for the person: its card links to it.
  const viaGraph = swarm.viaGraph && host !== 'outlook';
  return {
    shown: true,
    viaGraph,
    asLink: !viaGraph,
    chatUrl: links.chat,
    meetUrl: links.meeting,
  };
}
