// What the tests of followers and their notices share: an escalation raised from a group chat by
// the agent and posted in the Engineering channel, clicks on its card, and the alerting messages
// a person got in their chat with the bot.
import assert from 'node:assert/strict';
import { fullForm } from './briefs';
import type { FakeConnector, PostedActivity } from './fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personalConversationId,
  personas,
  routeTier,
  send,
  submitAction,
} from './teamsActivities';

/** Binds Engineering, escalates the full brief as the agent from a group chat, and answers its channel card. */
export async function escalatedToEngineering(appUrl: string, teams: FakeConnector): Promise<PostedActivity> {
  await routeTier(appUrl, teams.url, 'engineering', channels.engineering);
  const answer = await send(
    appUrl,
    submitAction({
      serviceUrl: teams.url,
      groupChatId: '19:support-chat@thread.v2',
      user: personas.agent,
      data: { ...fullForm, verb: 'escalation.submit' },
    }),
  );
  assert.equal(answer.status, 200);
  return teams.waitFor(() => channelCard(teams));
}

/** The escalation's card in its tier's channel, once posted. */
export function channelCard(teams: FakeConnector): PostedActivity | undefined {
  return teams.posts().find((p) => p.kind === 'create');
}

/** A person's click on ESC-1's channel card. */
export function clickOnCard(
  appUrl: string,
  teams: FakeConnector,
  user: Persona,
  verb: string,
  data: Record<string, unknown> = {},
) {
  const card = channelCard(teams) as PostedActivity;
  return send(
    appUrl,
    cardAction({ serviceUrl: teams.url, user, card, verb, data: { escalationId: 'ESC-1', ...data } }),
  );
}

/** The alerting messages (channelData.notification.alert) a person got in their chat with the bot. */
export function alertsTo(teams: FakeConnector, user: Persona): PostedActivity[] {
  return teams.posts(personalConversationId(user)).filter((p) => p.activity.channelData?.notification?.alert === true);
}
