// A tier bound to a private or a shared channel, over HTTP against the real server and the fake
// Bot Connector: its escalations are posted there, whom they can be assigned to are the channel's
// members, and for the access model its members are that channel's, not the team's.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import {
  type ChannelRef,
  cardAction,
  channelMessage,
  type Persona,
  personas,
  routeTier,
  send,
  submitAction,
  team,
} from '../support/teamsActivities';

const securityForm = {
  ...fullForm,
  signals: 'data_exposure',
  target: 'security',
  severity: 'critical',
  summary: 'Invoices of Initech shown to Globex through the export API',
};

for (const membershipType of ['private', 'shared'] as const) {
  describe(`A tier in a ${membershipType} channel`, () => {
    const channel: ChannelRef = {
      id: `19:security-${membershipType}@thread.tacv2`,
      name: `Security incidents (${membershipType})`,
      teamId: team.id,
      membershipType,
    };
    let app: RunningApp;
    let teams: FakeConnector;

    before(async () => {
      teams = await FakeConnector.start();
    });
    after(() => teams.close());
    beforeEach(async () => {
      teams.reset();
      teams.rosters.clear();
      // The channel's own members: Sol and Lena. The team (everyone else too) is not its membership.
      teams.rosters.set(channel.id, rosterFrom([personas.security, personas.lead]));
      app = await startTestApp();
    });
    afterEach(() => app.close());

    const detailAs = (person: Persona, id: string) =>
      fetch(`${app.url}/api/escalations/${id}`, { headers: { 'x-dev-user': person.aadObjectId } });

    it('posts its escalations there, offers its own members for assignment, and shows them only to its members', async () => {
      await routeTier(app.url, teams.url, 'security', channel);
      const routes = await send(
        app.url,
        channelMessage({ serviceUrl: teams.url, channel, user: personas.lead, text: 'routes' }),
      );
      assert.equal(routes.status, 200);
      const said = teams
        .posts(channel.id)
        .map((p) => JSON.stringify(p.activity))
        .join('\n');
      assert.match(said, new RegExp(`\\(${membershipType} channel\\)`), 'routes says what kind of channel it is');
      const binding = await app.store.channelFor('security');
      assert.equal(binding?.conversationReference.channel?.membershipType, membershipType);
      assert.deepEqual(
        binding?.conversationReference.people?.map((p) => p.id).sort(),
        [personas.security.aadObjectId, personas.lead.aadObjectId].sort(),
        'the channel’s members, not the team’s',
      );

      const submitted = await send(
        app.url,
        submitAction({
          serviceUrl: teams.url,
          user: personas.agent,
          data: { ...securityForm, verb: 'escalation.submit' },
        }),
      );
      assert.equal(submitted.status, 200);
      const posted = (await teams.waitFor(() =>
        teams.posts(channel.id).find((p) => p.kind === 'create' && (p.activity.summary ?? '').startsWith('ESC-1:')),
      )) as PostedActivity;
      assert.ok(posted, 'posted in the channel');

      // Eli is in the team but not in this channel: the escalation is not his to see.
      assert.equal((await detailAs(personas.engineer, 'ESC-1')).status, 404);
      const shown = await send(
        app.url,
        channelMessage({
          serviceUrl: teams.url,
          channel: { id: '19:engineering@thread.tacv2', name: 'Engineering', teamId: team.id },
          user: personas.engineer,
          text: 'show ESC-1',
        }),
      );
      assert.doesNotMatch(JSON.stringify(shown.body ?? ''), /Initech/);
      assert.equal((await detailAs(personas.security, 'ESC-1')).status, 200, 'a member sees it');

      // A member acts on the card in the channel: it is theirs to work.
      const card = { conversationId: posted.conversationId, activityId: posted.activityId };
      const clicked = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.security,
          card,
          verb: 'escalation.setStatus',
          data: { escalationId: 'ESC-1', version: 1, status: 'acknowledged' },
        }),
      );
      assert.equal(clicked.status, 200);
      assert.equal((await json(await detailAs(personas.security, 'ESC-1'))).status, 'acknowledged');
    });
  });
}
