// The posted brief card as it is now, drawn for whoever reads it: one place gathers what it
// shows (timeline, SLA clocks, whom it can be assigned to, escalations that look the same) for
// every path that renders it: channel posts and updates, the answer to a click, "show ESC-n".
// What the reader may not see (domain/access.ts) is never on it: an escalation they may not
// see is a card that says so, and look-alikes they may not see are left out.
import { type AccessDeps, canSee, unsureText } from '../app/access';
import { briefLink } from '../app/briefLinks';
import { postedIn } from '../app/escalate';
import { followingOf } from '../app/following';
import { type SimilarEscalation, similarOpenEscalations } from '../app/similar';
import { type Role, sightOf, type Viewer } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import { isOpen } from '../domain/lifecycle';
import { slaState } from '../domain/sla';
import { bindingChannel, bindingPeople } from './bindings';
import { briefCard, type CardHost } from './cards/briefCard';
import { hiddenCard, whoSeesText } from './cards/hiddenCard';
import type { AdaptiveCard } from './cards/render';
import type { TeamsDeps } from './deps';
import { channelPostUrl } from './people';

export type CardDeps = Pick<
  TeamsDeps,
  'store' | 'clock' | 'slaPolicy' | 'publicUrl' | 'originatorId' | 'linkSecret' | 'directory' | 'access' | 'chats'
>;

export interface CardView {
  /** Who reads this card: a person (a click's answer, a personal copy) or a place's readers. */
  viewer: Viewer;
  /** How the viewer relates to it: the buttons they get. */
  roles: ReadonlySet<Role>;
  /** Why the viewer's last action was refused. */
  message?: string;
  mentionText?: string;
  /** What an escalation the viewer may not see says instead (default: that they can't see it). */
  hiddenHeadline?: string;
  /** Roster questions Teams did not answer about the viewer. */
  unsure?: string[];
  /** Teams (the default) or Outlook: the same brief, as each host takes it. */
  host?: CardHost;
  /** A card a person inserts (teams/insertedCards.ts): their Teams ids, refreshed for first. */
  readerIds?: string[];
}

/** Similar escalations change slowly: looked up again at most this often per escalation. */
const similarFreshMs = 30_000;
/** Per store (one per running app), by escalation id. */
const similarSeenBy = new WeakMap<object, Map<string, { at: number; similar: SimilarEscalation[] }>>();

export async function escalationCard(deps: CardDeps, escalation: Escalation, view: CardView): Promise<AdaptiveCard> {
  if (!canSee(deps, view.viewer, escalation)) return hiddenEscalationCard(deps, escalation, view);
  const [timeline, binding, similar, asked] = await Promise.all([
    deps.store.timeline(escalation.id, escalation.version),
    deps.store.channelFor(escalation.brief.target),
    similarTo(deps, escalation, view.viewer),
    deps.store.followers(escalation.id),
  ]);
  const { viewer, ...rest } = view;
  return briefCard({
    escalation,
    sla: slaState(escalation, timeline, deps.clock.now(), deps.slaPolicy),
    timeline,
    assignable: bindingPeople(binding),
    similar: similar.map((s) => s.id),
    briefUrl: briefLink(deps.publicUrl, deps.linkSecret, escalation.id, viewer, deps.clock.now()),
    threadUrl: view.host === 'outlook' ? await threadUrlOf(deps, escalation) : undefined,
    originatorId: deps.originatorId,
    swarm: { viaGraph: deps.chats !== undefined, cardLink: `${deps.publicUrl}/escalations/${escalation.id}` },
    following: followingOf(escalation, asked, viewer.id),
    ...rest,
  });
}

/** A link that opens the card's thread in its tier's channel, once it is posted there. */
export async function threadUrlOf(deps: Pick<CardDeps, 'store'>, escalation: Escalation): Promise<string | undefined> {
  const binding = await deps.store.channelFor(escalation.brief.target);
  const posted = binding && (await postedIn(deps, escalation, binding));
  return posted && binding ? channelPostUrl(bindingChannel(binding), posted.activityId) : undefined;
}

export function hiddenEscalationCard(
  deps: AccessDeps,
  escalation: Escalation,
  view: Pick<CardView, 'viewer' | 'hiddenHeadline' | 'unsure' | 'host'>,
): AdaptiveCard {
  const headline =
    view.hiddenHeadline ?? (view.viewer.id ? "You can't see this escalation." : "This escalation can't be shown here.");
  const unsure = unsureText({ viewer: view.viewer, unsure: view.unsure ?? [] }).trim();
  return hiddenCard(
    {
      headline,
      detail: view.hiddenHeadline ? '' : [whoSeesText(escalation.brief.target, deps.access), unsure].join(' ').trim(),
    },
    view.host,
  );
}

/**
 * The look-alikes a card's reader may see. They are looked up by the tiers the reader may see,
 * not by what the reader raised or owns: a card shows the few every reader of its tier sees, and
 * the lookups are shared by all who read it.
 */
async function similarTo(deps: CardDeps, escalation: Escalation, viewer: Viewer): Promise<SimilarEscalation[]> {
  if (!isOpen(escalation.status)) return [];
  const sight = { hidden: sightOf(viewer, deps.access).hidden };
  const key = `${escalation.id}|${sight.hidden.join(',')}`;
  const now = deps.clock.now().getTime();
  let similarSeen = similarSeenBy.get(deps.store);
  if (!similarSeen) {
    similarSeen = new Map();
    similarSeenBy.set(deps.store, similarSeen);
  }
  const seen = similarSeen.get(key);
  if (seen && now - seen.at < similarFreshMs) return seen.similar;
  const similar = await similarOpenEscalations(deps.store, escalation.brief, sight, escalation.id);
  if (similarSeen.size > 10_000) similarSeen.clear();
  similarSeen.set(key, { at: now, similar });
  return similar;
}
