// A link of ours pasted in any chat or channel (composeExtension/queryLink): the escalation's card
// for the person pasting it, which Universal Actions keep current for each reader. An escalation
// they may not see is a card that says so; a link to no escalation, a card that says that.
import type { TurnContext } from 'botbuilder';
import { viewerOn } from '../app/access';
import { escalationIdInLink } from '../domain/escalationLinks';
import { hiddenCard } from './cards/hiddenCard';
import { attachment } from './cards/render';
import type { TeamsDeps } from './deps';
import { insertedCard } from './insertedCards';
import { type InvokeAnswer, resultAnswer } from './invokeResponses';
import { personOf } from './people';

export async function unfurlLink(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const value = context.activity.value as { url?: unknown } | undefined;
  const url = typeof value?.url === 'string' ? value.url : '';
  const id = escalationIdInLink(url, deps.publicUrl);
  const escalation = id ? await deps.store.getEscalation(id) : undefined;
  if (!escalation) {
    const card = hiddenCard({
      headline: 'No escalation at this link.',
      detail: 'Check the link, or say "show ESC-12" to Escalation Desk.',
    });
    return resultAnswer([
      {
        ...attachment(card),
        preview: {
          contentType: 'application/vnd.microsoft.card.thumbnail',
          content: { title: 'No escalation at this link' },
        },
      },
    ]);
  }
  const person = personOf(context.activity);
  const known = await viewerOn(deps, person, escalation);
  return resultAnswer([await insertedCard(deps, escalation, { person, known })]);
}
