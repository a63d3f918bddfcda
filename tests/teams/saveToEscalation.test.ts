// "Save to escalation" on a message, and "save <text>" in a swarm chat, over HTTP: the real bot with
// the fake Bot Connector (whose rosters say who is in which channel). What is stored, once; the card
// in the tier's channel updated to show it; who is refused, and how an escalation they may not see
// is answered (exactly as one that does not exist).
import assert from 'node:assert/strict';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';
import { cardJson, cardProblems, elements, inputsOf, textOf } from '../support/cardValidation';
import { FakeConnector, type PostedActivity, rosterFrom } from '../support/fakeConnector';
import {
  bot,
  channels,
  fetchTask,
  type Persona,
  personalMessage,
  personas,
  routeTier,
  type SourceMessage,
  send,
  submitAction,
  tenantId,
} from '../support/teamsActivities';

const secretSummary = 'Invoices of Initech shown to Globex through the export API';
const written = new Date('2026-01-05T14:02:00Z');
const said = '<p>Customer confirms the <b>export</b> is empty again&nbsp;&amp; the retry fails too.</p>';
const hostile =
  '<p>Hi <script>alert(1)</script><a href="javascript:alert(2)">click</a> [x](javascript:alert(3)) &lt;at&gt;all&lt;/at&gt; ![i](https://evil.example/i.png)</p>';

/** Every markdown link a card's texts make. */
const linksIn = (card: unknown) =>
  elements(card)
    .flatMap((e) => [e.text].filter((t): t is string => typeof t === 'string'))
    .flatMap((text) => [...text.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1] ?? ''));

describe('Save to escalation', () => {
  let app: RunningApp;
  let teams: FakeConnector;
  let engineeringCard: PostedActivity;

  before(async () => {
    teams = await FakeConnector.start();
  });
  after(() => teams.close());
  beforeEach(async () => {
    teams.reset();
    teams.rosters.clear();
    // Eli and Lena in Engineering, Sol and Lena in Security; Dana and Priya in neither.
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    app = await startTestApp();
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);
    await raise(personas.agent, fullForm); // ESC-1
    await raise(personas.security, {
      ...minimalForm,
      target: 'security',
      severity: 'critical',
      signals: 'data_exposure',
      summary: secretSummary,
    }); // ESC-2, Sol's
    await raise(personas.agent, { ...minimalForm, target: 'engineering', summary: 'Exports time out at 30 s' }); // ESC-3
    engineeringCard = await teams.waitFor(() =>
      teams.posts(channels.engineering.id).find((p) => p.kind === 'create' && p.activity.summary?.startsWith('ESC-1:')),
    );
  });
  afterEach(() => app.close());

  async function raise(by: Persona, form: object) {
    const headers = { 'x-dev-user': by.aadObjectId, 'x-dev-user-name': by.name };
    const created = await post(`${app.url}/api/escalations`, { ...form, requester: { name: by.name } }, headers);
    assert.equal(created.status, 201, await created.clone().text());
  }
  const message = (fields: Partial<SourceMessage> = {}): SourceMessage => ({
    content: said,
    author: personas.supportL2,
    id: '1767621720000',
    createdDateTime: written,
    ...fields,
  });
  const openDialog = (user: Persona, from = message()) =>
    send(
      app.url,
      fetchTask({
        serviceUrl: teams.url,
        user,
        channel: channels.support,
        commandId: 'saveToEscalation',
        message: from,
      }),
    );
  const save = (user: Persona, data: Record<string, unknown>, from = message()) =>
    send(
      app.url,
      submitAction({
        serviceUrl: teams.url,
        user,
        channel: channels.support,
        commandId: 'saveToEscalation',
        message: from,
        data,
      }),
    );
  const detail = async (id: string) => json(await fetch(`${app.url}/api/escalations/${id}`));
  const savedEntries = async (id: string) => (await detail(id)).timeline.filter((e: any) => e.kind === 'saved');
  const linkOf = (id: string) => `https://teams.microsoft.com/l/message/${channels.support.id}/${id}`;

  it("opens a small dialog: the person's open escalations newest first, another id, why, and the message as plain text", async () => {
    const answer = await openDialog(personas.agent);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.task.type, 'continue');
    assert.equal(answer.body.task.value.title, 'Save to escalation');
    const card = answer.body.task.value.card.content;
    assert.deepEqual(cardProblems(card), []);
    assert.ok(!cardJson(card).includes('${'), 'no ${ survives expansion');
    const [choice, other, why] = inputsOf(card);
    assert.equal(choice.id, 'escalationId');
    assert.deepEqual(
      choice.choices.map((c: any) => c.value),
      ['ESC-3', 'ESC-1'],
      'her open ones, newest first; not the Security one she may not see',
    );
    assert.equal(choice.value, '', 'none picked for her: nothing saved to one by mistake');
    assert.deepEqual([other.id, why.id], ['otherEscalationId', 'why']);
    const text = textOf(card);
    assert.match(text, /Sam Support, 2026-01-05 14:02 UTC/);
    assert.match(text, /Customer confirms the export is empty again & the retry fails too\./);
    assert.ok(!text.includes(secretSummary));
  });

  it('saves the message once: its text, author, time and link on the timeline, and the card shows it', async () => {
    const answer = await save(personas.agent, { escalationId: 'ESC-1', why: 'proof it is back' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.task, {
      type: 'message',
      value: 'Saved to ESC-1: Sam Support’s message is on its timeline, and its card shows it.',
    });
    const [entry, ...more] = await savedEntries('ESC-1');
    assert.equal(more.length, 0);
    assert.equal(
      entry.text,
      'Saved from Teams by Dana Agent: Sam Support, 2026-01-05 14:02 UTC — Customer confirms the export is empty again & the retry fails too. (why: proof it is back)',
    );
    assert.equal(entry.link, linkOf('1767621720000'));
    assert.equal(entry.actor.name, 'Dana Agent');
    assert.equal((await detail('ESC-1')).version, 2);

    // The channel's card, updated through the connector: the entry, and an "open" link to the message.
    const card = await teams.waitFor(() => {
      const now = teams.card(engineeringCard.conversationId, engineeringCard.activityId);
      return textOf(now).includes('Saved from Teams by Dana Agent') && now;
    });
    assert.ok(textOf(card).includes(`· [open](${linkOf('1767621720000')})`));

    // The same message again (a second click, or another Save): kept once.
    const again = await save(personas.agent, { escalationId: 'ESC-1' });
    assert.deepEqual(again.body.task, {
      type: 'message',
      value: 'That message is already saved to ESC-1: it is kept once.',
    });
    assert.equal((await savedEntries('ESC-1')).length, 1);
    assert.equal((await detail('ESC-1')).version, 2);
    // Another message is another entry; a typed id wins over the pick.
    const other = await save(
      personas.agent,
      { escalationId: 'ESC-3', otherEscalationId: ' esc-1 ' },
      message({ id: '1767621790000' }),
    );
    assert.equal(other.body.task.type, 'message');
    assert.equal((await savedEntries('ESC-1')).length, 2);
    assert.equal((await savedEntries('ESC-3')).length, 0);
  });

  it('refuses someone who may not add a note, saying who may, and shows the dialog again', async () => {
    const answer = await save(personas.product, { escalationId: 'ESC-1', why: 'mine' });
    assert.equal(answer.body.task.type, 'continue');
    const card = answer.body.task.value.card.content;
    assert.deepEqual(cardProblems(card), []);
    assert.match(
      textOf(card),
      /Only its owner, a member of the tier's channel or the person who escalated it may add a note\. Saving a message to ESC-1 adds one: ask one of them to save it\./,
    );
    assert.equal(inputsOf(card).find((i: any) => i.id === 'why').value, 'mine', 'what they typed is kept');
    assert.equal((await savedEntries('ESC-1')).length, 0);
    // Eli, in the Engineering channel, may.
    assert.equal((await save(personas.engineer, { escalationId: 'ESC-1' })).body.task.type, 'message');
  });

  it('answers an escalation they may not see exactly as one that does not exist, and stores nothing', async () => {
    const refusal = async (id: string) => {
      const answer = await save(personas.agent, { otherEscalationId: id });
      assert.equal(answer.body.task.type, 'continue');
      const json = JSON.stringify(answer.body);
      assert.ok(!json.includes(secretSummary) && !json.includes('Security'), 'nothing of it is told');
      return textOf(answer.body.task.value.card.content).replaceAll(id, 'ESC-n');
    };
    const hidden = await refusal('ESC-2');
    assert.match(hidden, /No escalation ESC-n that you can save to: pick one of yours, or check its id/);
    assert.equal(hidden, await refusal('ESC-99'));
    assert.equal((await savedEntries('ESC-2')).length, 0);
    // Sol, its requester, may.
    assert.equal((await save(personas.security, { otherEscalationId: 'ESC-2' })).body.task.type, 'message');
    assert.match(await refusal('nonsense'), /No escalation NONSENSE that you can save to/);
    const none = await save(personas.agent, {});
    assert.match(textOf(none.body.task.value.card.content), /Pick one of your escalations, or type the id of another/);
  });

  it('shows HTML, scripts and markdown people wrote as text: never markup, never a link but ours', async () => {
    const from = message({ content: hostile, id: '1767621800000' });
    const dialog = (await openDialog(personas.agent, from)).body.task.value.card.content;
    assert.deepEqual(linksIn(dialog), [], 'the preview makes no link');
    assert.ok(!cardJson(dialog).includes('<script'));
    assert.equal((await save(personas.agent, { escalationId: 'ESC-1' }, from)).body.task.type, 'message');
    const [entry] = await savedEntries('ESC-1');
    assert.match(entry.text, /— Hi alert\(1\)click \[x\]\(javascript:alert\(3\)\) <at>all<\/at> !\[i\]/);
    const card = await teams.waitFor(() => {
      const now = teams.card(engineeringCard.conversationId, engineeringCard.activityId);
      return textOf(now).includes('Saved from Teams') && now;
    });
    const links = linksIn(card);
    assert.ok(links.includes(linkOf('1767621800000')));
    for (const link of links) assert.match(link, /^(https:\/\/teams\.microsoft\.com\/|http:\/\/localhost:3978\/)/);
    assert.ok(!textOf(card).includes('<at>'), 'a mention tag people wrote is broken');
  });

  describe('in a swarm chat', () => {
    const chatId = '19:swarm-esc-1@thread.v2';
    const sayInChat = (user: Persona, text: string, conversationId = chatId) => {
      const message = personalMessage({ serviceUrl: teams.url, user, text: `<at>${bot.name}</at> ${text}` });
      return send(app.url, {
        ...message,
        conversation: { isGroup: true, conversationType: 'groupChat', id: conversationId, tenantId },
        entities: [{ type: 'mention', mentioned: bot, text: `<at>${bot.name}</at>` }],
      });
    };
    const repliesIn = (conversationId: string) =>
      teams
        .posts(conversationId)
        .map((p) => p.activity.text ?? '')
        .join('\n');

    it("'save <text>' saves into its escalation, once; elsewhere it says to use Save to escalation", async () => {
      await app.store.saveSwarmChat({
        escalationId: 'ESC-1',
        chatId,
        serviceUrl: teams.url,
        tier: 'engineering',
        members: [personas.agent, personas.engineer].map((p) => ({ id: p.aadObjectId, name: p.name })),
        openedBy: { id: personas.engineer.aadObjectId, name: personas.engineer.name },
        openedAt: new Date().toISOString(),
      });
      const answer = await sayInChat(personas.engineer, 'save Rolled back 2.14.1 on <b>EU-West</b>');
      assert.equal(answer.status, 200);
      await teams.waitFor(() => repliesIn(chatId).includes('Saved to ESC-1'));
      const [entry] = await savedEntries('ESC-1');
      assert.match(
        entry.text,
        /^Saved from Teams by Eli Engineer, (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC — Rolled back 2\.14\.1 on EU-West$/,
      );
      assert.match(
        entry.link,
        /^https:\/\/teams\.microsoft\.com\/l\/message\/19%3Aswarm-esc-1%40thread\.v2\/\d+\?context=/,
      );

      // Priya, in the chat but with no role on it, may not.
      await sayInChat(personas.product, 'save mine too');
      await teams.waitFor(() => repliesIn(chatId).includes('may add a note'));
      assert.equal((await savedEntries('ESC-1')).length, 1);

      await sayInChat(personas.engineer, 'save', chatId);
      await teams.waitFor(() => repliesIn(chatId).includes('Say what to save after **save**'));

      await sayInChat(personas.engineer, 'save this', '19:not-a-swarm@thread.v2');
      await teams.waitFor(() =>
        repliesIn('19:not-a-swarm@thread.v2').includes(
          'This is not an escalation’s swarm chat, so I cannot tell where to save it: use “Save to escalation” from the “...” menu of the message instead.',
        ),
      );
      assert.equal((await savedEntries('ESC-1')).length, 1);
    });

    it("'save' in reply to a message saves that message, with the words said as why", async () => {
      await app.store.saveSwarmChat({
        escalationId: 'ESC-1',
        chatId,
        serviceUrl: teams.url,
        tier: 'engineering',
        members: [],
        openedBy: { id: personas.engineer.aadObjectId, name: personas.engineer.name },
        openedAt: new Date().toISOString(),
      });
      const quote = (text: string, entity: boolean) => {
        const said = personalMessage({
          serviceUrl: teams.url,
          user: personas.engineer,
          text: `<at>${bot.name}</at> save the root cause`,
        });
        return send(app.url, {
          ...said,
          conversation: { isGroup: true, conversationType: 'groupChat', id: chatId, tenantId },
          entities: [
            { type: 'mention', mentioned: bot, text: `<at>${bot.name}</at>` },
            ...(entity
              ? [
                  {
                    type: 'quotedReply',
                    quotedReply: { messageId: '1796000000001', senderName: 'Tom Lee', preview: text },
                  },
                ]
              : []),
          ],
          ...(entity
            ? {}
            : {
                attachments: [
                  {
                    contentType: 'text/html',
                    content: `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="1796000000002"><strong itemprop="mri" itemid="8:orgid:x">Ana Ops</strong><span itemprop="time" itemid="1796000000002"></span><p itemprop="preview">${text}</p></blockquote><p>save the root cause</p>`,
                  },
                ],
              }),
        } as never);
      };
      await quote('The cache node in EU-West ran out of disk', true);
      await teams.waitFor(() => repliesIn(chatId).includes('Saved to ESC-1'));
      await quote('It is <b>back</b> since 14:10', false);
      await teams.waitFor(() => repliesIn(chatId).split('Saved to ESC-1').length === 3);
      const entries = await savedEntries('ESC-1');
      assert.match(entries[0].text, /Tom Lee, .*The cache node in EU-West ran out of disk \(why: the root cause\)$/);
      assert.match(entries[1].text, /Ana Ops, .*It is back since 14:10 \(why: the root cause\)$/);
      assert.match(entries[0].link, /\/l\/message\/19%3Aswarm-esc-1%40thread\.v2\/1796000000001\?/);
    });

    it('offers its escalation first, already picked, in the Save to escalation dialog opened there', async () => {
      await app.store.saveSwarmChat({
        escalationId: 'ESC-1',
        chatId,
        serviceUrl: teams.url,
        tier: 'engineering',
        members: [],
        openedBy: { id: personas.engineer.aadObjectId, name: personas.engineer.name },
        openedAt: new Date().toISOString(),
      });
      const answer = await send(
        app.url,
        fetchTask({
          serviceUrl: teams.url,
          user: personas.engineer,
          groupChatId: chatId,
          commandId: 'saveToEscalation',
          message: message(),
        }),
      );
      const [choice] = inputsOf(answer.body.task.value.card.content);
      assert.deepEqual(
        choice.choices.map((c: any) => c.value),
        ['ESC-1'],
      );
      assert.equal(choice.value, 'ESC-1');
    });
  });
});
