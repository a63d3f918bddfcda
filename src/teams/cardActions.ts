// Universal Actions (Action.Execute, invoke adaptiveCard/action): one handler a verb.
// A newcomer finds where a verb is handled by its name in `verbs`.
import type { TurnContext } from 'botbuilder';
import { formCard } from './cards/formCard';
import type { TeamsDeps } from './deps';
import { type FormValues, recommend, submit } from './formSubmission';
import { type CardActionAnswer, cardAnswer } from './invokeResponses';
import { personOf } from './people';

type VerbHandler = (data: FormValues, context: TurnContext, deps: TeamsDeps) => Promise<CardActionAnswer>;

export const verbs: Record<string, VerbHandler> = {
  'triage.evaluate': async (data) => cardAnswer(recommend(data, 'chat')),
  'escalation.submit': async (data, context, deps) =>
    cardAnswer(await submit(data, personOf(context.activity), 'chat', deps)),
};

export async function cardAction(context: TurnContext, deps: TeamsDeps): Promise<CardActionAnswer> {
  const value = (context.activity.value ?? {}) as { action?: { verb?: string; data?: FormValues } };
  const verb = value.action?.verb ?? '';
  const data = value.action?.data ?? {};
  const handler = verbs[verb];
  if (handler) return handler(data, context, deps);
  return cardAnswer(
    formCard({
      mode: 'chat',
      values: data,
      notice: `This card's action "${verb}" is not known here; start again with "new".`,
    }),
  );
}
