// One rule, every surface: the access policy (may the Leadership channel see Security escalations,
// LEADERSHIP_SEES_SECURITY) is written once, and changing it changes what every surface shows a
// member of the Leadership channel: the REST list and detail, the board's queue and charts, the
// tiers, `mine` and `show` in Teams, and look-alikes on the form.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { textOf } from '../support/cardValidation';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personalConversationId,
  personalMessage,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const leak = {
  ...fullForm,
  target: 'security',
  summary: 'Export API shows one tenant the invoices of another',
  description:
    'The invoice export API returned invoices of another account with ERR_EXPORT_TENANT_SCOPE in the log. It happened twice today. Access logs are kept.',
};
const as = (person: Persona) => ({ 'x-dev-user': person.aadObjectId, 'x-dev-user-name': person.name });

describe('The access policy, followed by every surface', () => {
  let teams: FakeConnector;
  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());

  /** What Erin, in the Leadership channel only, is shown of a Security escalation on each surface. */
  async function whatErinSees(leadershipSeesSecurity: boolean): Promise<Record<string, boolean>> {
    teams.reset();
    teams.rosters.clear();
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.leadership.id, rosterFrom([personas.executive, personas.lead]));
    const app: RunningApp = await startTestApp(
      { LEADERSHIP_SEES_SECURITY: String(leadershipSeesSecurity) },
      { delivery: { pollMs: 50 } },
    );
    try {
      for (const tier of ['security', 'leadership'] as const) {
        await routeTier(app.url, teams.url, tier, channels[tier]);
      }
      const made = await post(`${app.url}/api/escalations`, { ...leak, requester: { name: 'Dana Agent' } });
      const { id } = await json(made);
      const get = async (path: string) => fetch(`${app.url}${path}`, { headers: as(personas.executive) });
      const said = async (text: string) => {
        await send(app.url, personalMessage({ serviceUrl: teams.url, user: personas.executive, text }));
        return String(teams.posts(personalConversationId(personas.executive)).at(-1)?.activity.text ?? '');
      };
      const shown = async () => {
        await send(app.url, personalMessage({ serviceUrl: teams.url, user: personas.executive, text: `show ${id}` }));
        return JSON.stringify(teams.posts(personalConversationId(personas.executive)).at(-1)?.activity);
      };
      const recommended = await send(
        app.url,
        cardAction({
          serviceUrl: teams.url,
          user: personas.executive,
          card: { conversationId: personalConversationId(personas.executive), activityId: '1' },
          verb: 'triage.evaluate',
          data: { ...fullForm, description: leak.description },
        }),
      );
      const listed = (await json(await get('/api/escalations'))) as { id: string }[];
      const board = await json(await get('/api/board'));
      const charts = await json(await get('/api/board/charts'));
      return {
        list: listed.some((e) => e.id === id),
        detail: (await get(`/api/escalations/${id}`)).status === 200,
        brief: (await get(`/api/escalations/${id}/brief.txt`)).status === 200,
        board: board.items.some((e: { id: string }) => e.id === id),
        charts: charts.openByTierAndSeverity.some((row: { target: string }) => row.target === 'security'),
        tiers: ((await json(await get('/api/tiers'))) as { target: string }[]).some((t) => t.target === 'security'),
        show: (await shown()).includes(leak.summary),
        recommend: textOf(recommended.body.value).includes(id),
        mine: (await said('mine')).includes(id),
      };
    } finally {
      await app.close();
    }
  }

  it('shows Leadership a Security escalation on no surface, then on every one once the policy says so', async function () {
    this.timeout(30_000);
    const closed = await whatErinSees(false);
    assert.deepEqual(
      Object.entries(closed).filter(([, seen]) => seen),
      [],
      'nothing, anywhere',
    );
    const open = await whatErinSees(true);
    // `mine` lists what she raised or owns: neither, whatever the policy.
    assert.deepEqual(
      Object.entries(open).filter(([surface, seen]) => !seen && surface !== 'mine'),
      [],
      'everywhere',
    );
  });
});
