// "Find an escalation" (composeExtension/query of the findEscalation search command): the message
// box's search, the command box's, and Microsoft 365 Copilot's questions through the same command.
// app/findEscalations.ts reads the query and finds what the person may see; each result is the
// brief's card for them (teams/insertedCards.ts), which, once inserted, stays current for whoever
// reads it. Nothing found is an empty list (Teams says so); a query we cannot read, a sentence.
import type { TurnContext } from 'botbuilder';
import { findEscalations } from '../app/findEscalations';
import type { TeamsDeps } from './deps';
import { insertedCard } from './insertedCards';
import { extensionMessage, type InvokeAnswer, resultAnswer } from './invokeResponses';
import { personOf } from './people';

export async function findEscalation(context: TurnContext, deps: TeamsDeps): Promise<InvokeAnswer> {
  const person = personOf(context.activity);
  const outcome = await findEscalations(deps, person, context.activity.value);
  if ('unreadable' in outcome) return extensionMessage(outcome.unreadable);
  const results = await Promise.all(
    outcome.found.map(({ escalation, known }) => insertedCard(deps, escalation, { person, known })),
  );
  return resultAnswer(results);
}
