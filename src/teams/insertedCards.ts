// A card a person puts into a chat themselves: a search result (composeExtension/query) or an
// unfurled link (composeExtension/queryLink). Teams sends it as the person, but Universal Actions
// route its buttons and its refresh to the bot (src/teams/cardActions.ts), so it stays current and
// shows each reader what they may see. The answer to the person searching: the card as they see
// it, refreshed first for them; an escalation they may not see is a card that says so.
import type { MessagingExtensionAttachment } from 'botbuilder';
import { canSee, type KnownViewer, rolesOn } from '../app/access';
import type { Escalation } from '../domain/escalation';
import { targetLabels } from '../domain/tiers';
import { severityLabels, statusLabels } from '../domain/vocabulary';
import { attachment, neverALink } from './cards/render';
import { type CardDeps, escalationCard, hiddenEscalationCard } from './escalationCard';

/** Teams' ids of a reader that a card's refresh.userIds may name. */
export function readerIds(person: { id?: string; teamsId?: string }): string[] {
  return [...(person.teamsId ? [person.teamsId] : []), ...(person.id ? [`8:orgid:${person.id}`] : [])];
}

/** "ESC-12 · High · Engineering · Investigating": how a result is listed. */
export function resultLine(escalation: Escalation): string {
  const { brief } = escalation;
  return `${escalation.id} · ${severityLabels[brief.severity]} · ${targetLabels[brief.target]} · ${statusLabels[escalation.status]}`;
}

/** The escalation as a result to insert: its listing (a thumbnail card) and the brief's card for this reader. */
export async function insertedCard(
  deps: CardDeps,
  escalation: Escalation,
  reader: { person: { id?: string; teamsId?: string }; known: KnownViewer },
): Promise<MessagingExtensionAttachment> {
  const { viewer, unsure } = reader.known;
  if (!canSee(deps, viewer, escalation)) return hiddenResult(deps, escalation, reader.known);
  const card = await escalationCard(deps, escalation, {
    viewer,
    roles: rolesOn(viewer, escalation),
    unsure,
    readerIds: readerIds(reader.person),
  });
  return {
    ...attachment(card),
    preview: {
      contentType: 'application/vnd.microsoft.card.thumbnail',
      content: { title: resultLine(escalation), text: neverALink(escalation.brief.summary) },
    },
  };
}

/** An escalation the reader may not see: a card that says so, and nothing of it. */
export function hiddenResult(deps: CardDeps, escalation: Escalation, known: KnownViewer): MessagingExtensionAttachment {
  const card = hiddenEscalationCard(deps, escalation, known);
  return {
    ...attachment(card),
    preview: {
      contentType: 'application/vnd.microsoft.card.thumbnail',
      content: { title: 'An escalation you cannot see', text: "It is not shown: you can't see it." },
    },
  };
}
