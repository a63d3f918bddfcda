// Working an escalation from its posted card, over HTTP with the fake Bot Connector:
// what is stored, what the timeline says, the PUT of every copy, the card returned.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { cardProblems, elements, inputsOf, textOf } from '../support/cardValidation';
import { adaptiveCardOf, FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import {
  cardAction,
  channels,
  type Persona,
  personalMessage,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const buttonsOf = (card: any) => (card.actions ?? []).map((a: any) => a.title);

describe('Following an escalation through on its card', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  let channelPost: PostedActivity;
  let personalCopy: { conversationId: string; activityId: string };

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'product', channels.product);
    const created = await post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana Agent' } });
    assert.equal(created.status, 201);
    channelPost = teams.posts().find((p) => p.kind === 'create') as PostedActivity;
    // A second copy: someone asked the bot to show it in their personal chat.
    await send(app.url, personalMessage({ serviceUrl: teams.url, user: personas.engineer, text: 'show ESC-1' }));
    const shown = teams.posts().at(-1) as PostedActivity;
    personalCopy = { conversationId: shown.conversationId, activityId: shown.activityId };
  });
  afterEach(() => app.close());

  const click = (
    verb: string,
    data: Record<string, unknown>,
    user: Persona = personas.engineer,
    card = channelPost,
    id?: string,
  ) =>
    send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user,
        card,
        verb,
        data: { escalationId: 'ESC-1', ...data },
        ...(id ? { id } : {}),
      }),
    );
  const detail = async () => json(await fetch(`${app.url}/api/escalations/ESC-1`));
  /** Both copies end showing this version of the card. */
  const copiesShow = (version: number) =>
    teams.waitFor(() =>
      [channelPost, personalCopy].every((copy) =>
        textOf(teams.card(copy.conversationId, copy.activityId)).includes(`Version ${version} ·`),
      ),
    );

  const cases: [string, string, Record<string, unknown>, Persona, (d: any) => void, string][] = [
    [
      'acknowledge',
      'escalation.setStatus',
      { status: 'acknowledged' },
      personas.engineer,
      (d) => assert.equal(d.status, 'acknowledged'),
      'Eli Engineer acknowledged it',
    ],
    [
      'assign to me',
      'escalation.assign',
      {},
      personas.engineer,
      (d) => assert.equal(d.owner.name, 'Eli Engineer'),
      'Eli Engineer took ownership',
    ],
    [
      'assign to someone',
      'escalation.assign',
      { assignee: personas.lead.aadObjectId },
      personas.engineer,
      (d) => assert.equal(d.owner.name, 'Lena Lead'),
      'Eli Engineer assigned it to Lena Lead',
    ],
    [
      'set a status',
      'escalation.setStatus',
      { status: 'fix_in_progress' },
      personas.engineer,
      (d) => assert.equal(d.status, 'fix_in_progress'),
      'Eli Engineer set the status to Fix in progress',
    ],
    [
      'resolve with a resolution',
      'escalation.setStatus',
      { status: 'resolved', resolution: 'Rolled back the renderer' },
      personas.engineer,
      (d) => assert.equal(d.status, 'resolved'),
      'Eli Engineer resolved it: Rolled back the renderer',
    ],
    [
      'log a customer update',
      'escalation.logCustomerUpdate',
      { lastUpdateSummary: 'Sent the workaround', customerExpectation: 'Fix by Monday' },
      personas.engineer,
      (d) => assert.equal(d.brief.customerCommunication.customerExpectation, 'Fix by Monday'),
      'Eli Engineer updated the customer: Sent the workaround',
    ],
    [
      'add a note',
      'escalation.addNote',
      { note: 'Same at Globex' },
      personas.engineer,
      (d) => assert.equal(d.status, 'new'),
      'Eli Engineer: Same at Globex',
    ],
    [
      'retarget',
      'escalation.retarget',
      { target: 'product', reason: 'It is a missing export option' },
      personas.engineer,
      (d) => assert.equal(d.target, 'product'),
      'Eli Engineer moved it from Engineering to Product: It is a missing export option',
    ],
  ];
  for (const [name, verb, data, user, stored, timelineText] of cases) {
    it(`${name}: stored, in the timeline, every copy updated, the new card returned`, async () => {
      const answer = await click(verb, { version: 1, ...data }, user);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.statusCode, 200);
      assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
      assert.deepEqual(cardProblems(answer.body.value), []);
      assert.match(textOf(answer.body.value), /Version 2 ·/);
      assert.doesNotMatch(textOf(answer.body.value), /Changed while you were looking|Only /);
      const escalation = await detail();
      assert.equal(escalation.version, 2);
      stored(escalation);
      assert.equal(escalation.timeline.at(-1).text, timelineText);
      assert.equal(escalation.timeline.at(-1).actor.name, user.name);
      await copiesShow(2);
      assert.ok(teams.updates(channelPost.conversationId, channelPost.activityId).length >= 1);
      assert.ok(teams.updates(personalCopy.conversationId, personalCopy.activityId).length >= 1);
    });
  }

  it('posts a retargeted escalation in the new tier channel, and the old card says where it went', async () => {
    await click('escalation.retarget', { version: 1, target: 'product', reason: 'Feature gap' });
    await teams.waitFor(() =>
      teams.posts().some((p) => p.kind === 'create' && p.conversationId.startsWith(channels.product.id)),
    );
    await copiesShow(2);
    assert.match(
      textOf(teams.card(channelPost.conversationId, channelPost.activityId)),
      /moved it from Engineering to Product/,
    );
  });

  it('changes nothing for a stale version and says what changed meanwhile, and by whom', async () => {
    await click('escalation.assign', { version: 1 }, personas.lead);
    const stale = await click('escalation.setStatus', { version: 1, status: 'investigating' }, personas.engineer);
    assert.equal(stale.status, 200);
    assert.match(
      textOf(stale.body.value),
      /Changed while you were looking: Lena Lead took ownership\. Nothing was changed by you/,
    );
    const escalation = await detail();
    assert.equal(escalation.version, 2);
    assert.equal(escalation.status, 'acknowledged');
  });

  it('tells a person not allowed to resolve why, and changes nothing', async () => {
    // Priya is not in the Engineering channel: its roster (read from Teams) says who is.
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.agent, personas.engineer, personas.lead]));
    const answer = await click(
      'escalation.setStatus',
      { version: 1, status: 'resolved', resolution: 'Fixed' },
      personas.product,
      {
        ...personalCopy,
      } as PostedActivity,
    );
    assert.match(textOf(answer.body.value), /Only its owner or a member of the tier's channel may resolve it\./);
    assert.equal((await detail()).status, 'new');
  });

  it('says it could not check, not "not a member", when Teams does not answer who is in the team', async () => {
    teams.failNext(10, 503, { match: (r) => r.route === 'getConversationMember' });
    const answer = await click('escalation.assign', { version: 1, assignee: personas.lead.aadObjectId });
    assert.match(textOf(answer.body.value), /Teams could not tell us just now who is in this team/);
    assert.equal((await detail()).version, 1);
    // Asked once: the Bot Connector client does not retry on its own (the outbox retries sends).
    assert.equal(teams.requests.filter((r) => r.route === 'getConversationMember' && r.injected).length, 1);
    teams.clearFaults();
    const stranger = await click('escalation.assign', { version: 1, assignee: '29:1nobody-here' });
    assert.match(textOf(stranger.body.value), /That person is not a member here/);
  });

  it('refuses bad input with the reason on the card: a resolve without a resolution', async () => {
    const answer = await click('escalation.setStatus', { version: 1, status: 'resolved' });
    assert.match(textOf(answer.body.value), /a resolution is required/);
    assert.equal((await detail()).version, 1);
  });

  it('applies a retried delivery of the same click once', async () => {
    const first = await click(
      'escalation.addNote',
      { version: 1, note: 'Once' },
      personas.engineer,
      channelPost,
      'invoke-note-1',
    );
    const again = await click(
      'escalation.addNote',
      { version: 1, note: 'Once' },
      personas.engineer,
      channelPost,
      'invoke-note-1',
    );
    assert.doesNotMatch(textOf(again.body.value), /Changed while you were looking/);
    assert.match(textOf(first.body.value), /Version 2 ·/);
    const escalation = await detail();
    assert.equal(escalation.version, 2);
    assert.equal(escalation.timeline.filter((e: any) => e.kind === 'note').length, 1);
  });

  it('updates the clicked message before the click is answered, and once for that version: no redraw comes later', async () => {
    const before = teams.updates(channelPost.conversationId, channelPost.activityId).length;
    const answer = await click('escalation.setStatus', { version: 1, status: 'acknowledged' });
    assert.equal(answer.status, 200);
    const showsVersion2 = (u: { activity: unknown }) => textOf(adaptiveCardOf(u.activity)).includes('Version 2 ·');
    const updates = () => teams.updates(channelPost.conversationId, channelPost.activityId).slice(before);
    assert.equal(
      updates().filter(showsVersion2).length,
      1,
      'the clicked message shows version 2 when the click is answered',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(updates().length, 1, 'and nothing redraws it afterwards');
  });

  it('shows each person their own buttons: the owner Resolve and Waiting on customer, others Take over once it is owned', async () => {
    await click('escalation.assign', { version: 1 }, personas.engineer);
    const mine = await click('escalation.refresh', { version: 2 }, personas.engineer);
    assert.ok(buttonsOf(mine.body.value).includes('Resolve'));
    assert.ok(buttonsOf(mine.body.value).includes('Waiting on customer'));
    assert.ok(!buttonsOf(mine.body.value).includes('Assign to me'));
    const theirs = await click('escalation.refresh', { version: 2 }, personas.lead);
    assert.ok(buttonsOf(theirs.body.value).includes('Take over'));
    assert.ok(
      !buttonsOf(theirs.body.value).includes('Assign to me'),
      'it has an owner: nobody is offered "Assign to me"',
    );
    assert.ok(!buttonsOf(theirs.body.value).includes('Waiting on customer'));
    // The card everyone outside refresh.userIds sees says the same.
    const card = await teams.waitFor(() => {
      const shared = teams.card(channelPost.conversationId, channelPost.activityId);
      return shared.actions.some((a: any) => a.title === 'Take over') ? shared : undefined;
    });
    assert.ok(!card.actions.some((a: any) => a.title === 'Assign to me'));
    const more = card.actions.find((a: any) => a.title === 'More');
    const assignTo = elements(more.card).find((e: any) => e.id === 'assignee');
    const people = assignTo.choices.map((c: any) => c.title);
    assert.ok(people.includes('Lena Lead'), "the tier team's people can be chosen");
    assert.ok(!people.includes('Eli Engineer'), 'the owner is not offered again');
    assert.equal(card.refresh.action.verb, 'escalation.refresh');
    assert.ok(card.refresh.userIds.includes(personas.engineer.id));
    assert.ok(card.refresh.userIds.length <= 60);
  });

  it('takes each move from More with every input of More sent along, empty ones as "": each reads its own', async () => {
    let card = teams.card(channelPost.conversationId, channelPost.activityId);
    const more = () => card.actions.find((a: any) => a.title === 'More').card;
    assert.ok(!elements(more()).some((e: any) => e.type === 'Action.ShowCard'), 'one panel, no panel inside it');
    /** A button of More pressed on the card the person sees: its data, and every input of More. */
    const press = async (title: string, typed: Record<string, string>) => {
      const button = elements(more()).find((e: any) => e.type === 'Action.Execute' && e.title === title);
      const inputs = Object.fromEntries(inputsOf(more()).map((e: any) => [e.id, typed[e.id] ?? '']));
      const answer = await click(button.verb, { ...button.data, ...inputs });
      card = answer.body.value;
      return textOf(card);
    };
    assert.match(await press('Assign', {}), /Choose the person to assign it to from the list/);
    assert.equal((await detail()).version, 1, 'nobody picked is not "assign it to me"');
    await press('Save status', { status: 'fix_in_progress' });
    assert.equal((await detail()).status, 'fix_in_progress', 'no "Resolution is required" for the empty resolution');
    await press('Move', { target: 'product', reason: 'A design decision, not a bug' });
    const moved = await detail();
    assert.equal(moved.brief.target, 'product');
    assert.equal(moved.status, 'fix_in_progress', 'the status input sent along changed nothing');
    assert.equal(moved.version, 3);
  });

  it('of 50 conflicting clicks at once, each accepted one is in the timeline, each refused got the current card, versions have no gap', async () => {
    const people = Object.values(personas);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        click('escalation.addNote', { version: 1 + (i % 5), note: `note ${i}` }, people[i % people.length] as Persona),
      ),
    );
    const escalation = await detail();
    const notes = escalation.timeline.filter((e: any) => e.kind === 'note');
    const stale = /Changed while you were looking|This card was out of date/;
    const accepted = answers.filter((a) => !stale.test(textOf(a.body.value)));
    assert.equal(notes.length, accepted.length);
    assert.ok(accepted.length >= 1 && accepted.length <= 5);
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.statusCode, 200);
    }
    assert.deepEqual(
      escalation.timeline.map((e: any) => e.version),
      Array.from({ length: escalation.version }, (_, i) => i + 1),
    );
    await copiesShow(escalation.version);
  });

  it('ends with the card current when the connector answers 429 before 200', async () => {
    teams.failNext(2, 429, { retryAfterSeconds: 1, match: (r: any) => r.method === 'PUT' });
    await click('escalation.setStatus', { version: 1, status: 'investigating' });
    await teams.waitFor(
      () => textOf(teams.card(channelPost.conversationId, channelPost.activityId)).includes('Version 2 ·'),
      15000,
    );
    assert.ok(teams.requests.filter((r: any) => r.method === 'PUT' && r.injected).length >= 1);
    const card = teams.card(channelPost.conversationId, channelPost.activityId);
    assert.ok(elements(card).some((e) => e.title === 'Status' && e.value === 'Investigating'));
  });
});
