// The tiers over REST and in Teams, by one rule: what GET /api/tiers shows a person is what the
// access policy lets them see, and who may set a tier's email list is the same whether they say it
// in Teams or PUT it over REST (admins; for an open tier the owners of the team it is bound in).
import assert from 'node:assert/strict';
import type { Request } from 'restify';
import { callerOf } from '../../src/http/callers';
import type { RunningApp } from '../../src/main';
import { json, startTestApp } from '../support/app';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import {
  type ChannelFixture,
  channelMessage,
  channels,
  type Persona,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const as = (person: Persona) => ({ 'x-dev-user': person.aadObjectId, 'x-dev-user-name': person.name });

/** A second team, which Priya (Product) owns: the Product tier is worked there. */
const productTeam = { id: '19:product-team@thread.tacv2', name: 'Product Team' };
const productChannel: ChannelFixture = { id: '19:roadmap@thread.tacv2', name: 'Roadmap', teamId: productTeam.id };

describe('The tiers, by one rule in Teams and over REST', () => {
  let teams: FakeConnector;
  let app: RunningApp;

  const tiers = async (person?: Persona) => {
    const answer = await fetch(`${app.url}/api/tiers`, { headers: person ? as(person) : {} });
    assert.equal(answer.status, 200);
    return (await json(answer)) as { target: string; channel: unknown; emails: string[] }[];
  };
  const putEmails = (tier: string, addresses: string[], person?: Persona) =>
    fetch(`${app.url}/api/tiers/${tier}/emails`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(person ? as(person) : {}) },
      body: JSON.stringify({ addresses }),
    });
  const say = async (channel: ChannelFixture, user: Persona, text: string) => {
    await send(app.url, channelMessage({ serviceUrl: teams.url, channel, user, text }));
    return teams.posts(channel.id).at(-1)?.activity.text as string;
  };

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(productTeam.id, [
      { ...rosterFrom([personas.product])[0], userRole: 'owner' } as never,
      ...rosterFrom([personas.engineer]),
    ]);
    teams.rosters.set(productChannel.id, rosterFrom([personas.product, personas.engineer]));
    app = await startTestApp({}, { delivery: { pollMs: 50 } });
    // Lena owns the team the bot was first bound in: an admin.
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);
    await routeTier(app.url, teams.url, 'product', productChannel);
    await say(channels.security, personas.lead, 'email security ciso@contoso.example');
  });
  afterEach(() => app.close());

  it('shows a person only the tiers whose escalations they may see; the API key sees all', async () => {
    const names = (list: { target: string }[]) => list.map((t) => t.target);
    assert.ok(!names(await tiers(personas.engineer)).includes('security'), 'no Security channel or list for Eli');
    const security = (await tiers(personas.security)).find((t) => t.target === 'security');
    assert.deepEqual(security?.emails, ['ciso@contoso.example']);
    assert.ok(
      (await tiers(personas.lead)).some((t) => t.target === 'security'),
      'an admin sees it',
    );
    assert.ok(
      (await tiers()).some((t) => t.target === 'security'),
      'the integration (local mode, no person)',
    );
  });

  it('lets the owners of the team a tier is bound in set its list, over REST as in Teams; others are refused', async () => {
    // Priya owns the team Product is worked in, not the bot's first team.
    assert.match(await say(productChannel, personas.product, 'email product pm@contoso.example'), /emailed to pm@/);
    const put = await putEmails('product', ['pm@contoso.example', 'cpo@contoso.example'], personas.product);
    assert.equal(put.status, 200, await put.clone().text());
    assert.deepEqual((await tiers(personas.product)).find((t) => t.target === 'product')?.emails, [
      'pm@contoso.example',
      'cpo@contoso.example',
    ]);

    // Not hers: Engineering's team, and Security (admins only), either way.
    assert.equal((await putEmails('engineering', ['pm@contoso.example'], personas.product)).status, 403);
    assert.match(await say(productChannel, personas.product, 'email security pm@contoso.example'), /Only admins/);
    assert.equal((await putEmails('security', ['pm@contoso.example'], personas.product)).status, 403);
    // Eli owns no team.
    assert.match(await say(productChannel, personas.engineer, 'email product eli@contoso.example'), /Only this team/);
    assert.equal((await putEmails('product', ['eli@contoso.example'], personas.engineer)).status, 403);
    // An admin may, anywhere.
    assert.equal(
      (await putEmails('security', ['ciso@contoso.example', 'dpo@contoso.example'], personas.lead)).status,
      200,
    );
  });

  it('takes a request no guard has looked at for nobody, never for the integration', () => {
    const caller = callerOf({} as Request);
    assert.equal(caller.kind, 'person');
    assert.equal(caller.kind === 'person' ? caller.person.id : 'integration', undefined);
  });
});
