// Whatever a client sends, the bot answers: every card verb, with bad ids and bad data of
// every shape (wrong types, huge, nested, prototype keys), answers HTTP 200 with a card that
// says what to fix, and changes nothing; the process keeps serving.
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { verbHandlers as verbs } from '../../src/teams/cardActions';
import { json, post, startTestApp } from '../support/app';
import { fullForm } from '../support/briefs';
import { textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity } from '../support/fakeConnector';
import {
  cardAction,
  channelMessage,
  channels,
  personalConversationId,
  personalMessage,
  personas,
  routeTier,
  send,
} from '../support/teamsActivities';

const deep = (levels: number): unknown => (levels === 0 ? 'x' : [deep(levels - 1)]);

/** Values a client may put where an id, a version or a text is expected. */
const hostile: unknown[] = [
  null,
  7,
  true,
  [],
  ['ESC-1'],
  {},
  { toString: null },
  { valueOf: 'ESC-1' },
  'constructor',
  '__proto__',
  'toString',
  'ESC-0',
  'ESC-99999999999999999999',
  'esc-1 ',
  `ESC-1${'9'.repeat(5000)}`,
  'x'.repeat(30_000),
  '\u0000\u0007',
  deep(500),
];

describe('Hostile input to the bot', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  let card: PostedActivity;

  before(async () => {
    teams = await FakeConnector.start();
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    const made = await post(`${app.url}/api/escalations`, { ...fullForm, requester: { name: 'Dana Agent' } });
    assert.equal(made.status, 201);
    card = (await teams.waitFor(() => teams.posts().find((p) => p.kind === 'create'))) as PostedActivity;
  });
  after(async () => {
    await app.close();
    await teams.close();
  });

  const click = (verb: unknown, data: unknown, where = card) =>
    send(
      app.url,
      cardAction({
        serviceUrl: teams.url,
        user: personas.engineer,
        card: where,
        verb: verb as string,
        data: data as never,
      }),
    );

  it('answers every verb, given bad ids and bad data of every shape, with 200 and a card, and changes nothing', async function () {
    this.timeout(60_000);
    const personal = { conversationId: personalConversationId(personas.engineer), activityId: '1' } as PostedActivity;
    for (const verb of verbs.keys()) {
      for (const value of hostile) {
        const shapes: unknown[] = [
          { escalationId: value, version: 1 },
          { escalationId: 'ESC-1', version: value },
          {
            escalationId: 'ESC-1',
            version: 1,
            status: value,
            note: value,
            assignee: value,
            otherId: value,
            target: value,
            reason: value,
            resolution: value,
            lastUpdateSummary: value,
            summary: value,
            signals: value,
            customersAffected: value,
          },
          value,
        ];
        for (const data of shapes) {
          for (const where of [card, personal]) {
            const answer = await click(verb, data, where);
            const what = `${verb} ${JSON.stringify(data)?.slice(0, 80)}`;
            assert.equal(answer.status, 200, what);
            assert.equal(answer.body?.statusCode, 200, what);
            assert.equal(answer.body?.type, 'application/vnd.microsoft.card.adaptive', what);
            assert.ok(textOf(answer.body.value).length > 0, what);
          }
        }
      }
    }
    // Over the body limit: refused as too large, not a failure of ours.
    const huge = await click('escalation.addNote', { escalationId: 'ESC-1', version: 1, note: 'x'.repeat(600_000) });
    assert.equal(huge.status, 413);
    // Nothing hostile made it in: the escalation is as it was, the server still serves.
    const escalation = await json(await fetch(`${app.url}/api/escalations/ESC-1`));
    assert.ok(escalation.timeline.every((e: any) => !/x{1000}|constructor|__proto__/.test(e.text)));
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
  });

  it('answers an unknown verb with 200 and a sentence, an unknown invoke with 400, prototype names included', async () => {
    for (const verb of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'x'.repeat(10_000), 7, null]) {
      const answer = await click(verb, { escalationId: 'ESC-1', version: 1 });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.statusCode, 200);
      const text = textOf(answer.body.value);
      assert.match(text, /is not known/);
      assert.doesNotMatch(text, /x{100}/, 'a long verb is not echoed whole');
    }
    for (const name of ['constructor', 'toString', '__proto__']) {
      const activity = { ...cardAction({ serviceUrl: teams.url, card, verb: 'escalation.refresh' }), name };
      const answer = await send(app.url, activity);
      assert.equal(answer.status, 400, name);
    }
  });

  it('answers commands of prototype names and huge ones with help, never echoing all of it', async () => {
    for (const text of ['constructor', 'toString', '__proto__ ESC-1', `${'y'.repeat(200_000)}`]) {
      const before = teams.posts().length;
      const answer = await send(app.url, personalMessage({ serviceUrl: teams.url, user: personas.engineer, text }));
      assert.equal(answer.status, 200);
      const reply = teams.posts().slice(before).at(-1)?.activity.text as string;
      assert.match(reply, /I don’t know/);
      assert.ok(reply.length < 2000, `${reply.length} characters`);
      const inChannel = await send(
        app.url,
        channelMessage({ serviceUrl: teams.url, channel: channels.engineering, user: personas.engineer, text }),
      );
      assert.equal(inChannel.status, 200);
    }
  });
});
