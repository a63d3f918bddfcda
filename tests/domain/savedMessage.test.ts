// A Teams message saved into an escalation, as the domain takes it: its body made plain text, the
// links kept (Teams' own https ones only), the entry's sentence, and the note a help desk gets.
import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import type { Escalation } from '../../src/domain/escalation';
import { messageText } from '../../src/domain/messageText';
import {
  savedCaps,
  savedChange,
  savedEntryText,
  savedMessageOf,
  teamsMessageLink,
  whyOf,
} from '../../src/domain/savedMessage';
import { changeNote } from '../../src/domain/ticketNotes';
import { fullForm } from '../support/briefs';

const link = 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000?tenantId=t&parentMessageId=1';

function payload(fields: Record<string, unknown> = {}) {
  return {
    id: '1700000000000',
    body: { contentType: 'html', content: '<p>The export is <b>empty</b> again</p>' },
    from: { user: { id: 'aad-tom', displayName: 'Tom Lee' } },
    createdDateTime: '2026-11-28T14:02:31.000Z',
    linkToMessage: link,
    ...fields,
  };
}

describe('a saved message', () => {
  describe('its text', () => {
    const cases: [string, string, string | undefined, string][] = [
      ['tags dropped, lines kept', '<p>One</p><p>Two<br>three</p>', 'html', 'One\nTwo\nthree'],
      [
        'entities decoded after the tags are gone',
        '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot; &#39;a&#x27;',
        'html',
        `<b>bold</b> & "q" 'a'`,
      ],
      ['a script is text, not markup', '<script>alert(1)</script>hi', 'html', 'alert(1)hi'],
      ['plain text taken as written', 'a <b> is not a tag here', 'text', 'a <b> is not a tag here'],
      ['control characters become spaces', 'a\u0000b\u0007c', 'text', 'a b c'],
      ['a lone surrogate becomes a replacement character', 'a\ud800b', 'text', 'a\ufffdb'],
      [
        'an entity of no character is a replacement character',
        '&#0;&#xD800;&#99999999;',
        'html',
        '\ufffd\ufffd&#99999999;',
      ],
    ];
    for (const [name, content, contentType, expected] of cases) {
      it(name, () => assert.equal(messageText(content, contentType), expected));
    }

    it('reads a huge or malformed body in linear time', () => {
      const started = Date.now();
      for (const hostile of ['<'.repeat(500_000), `<a${'<a'.repeat(200_000)}`, `${'&#x'.repeat(100_000)}`]) {
        messageText(hostile, 'html');
        messageText(hostile);
      }
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    });

    it('is one line of at most 1,000 characters', () => {
      const message = savedMessageOf(payload({ body: { content: `<p>${'word '.repeat(1000)}</p>\n\n<p>end</p>` } }));
      assert.ok(message);
      assert.equal(message.text.length, savedCaps.text);
      assert.ok(message.text.endsWith('…'));
      assert.ok(!message.text.includes('\n'));
    });
  });

  describe('its link', () => {
    const kept = [
      link,
      'https://teams.cloud.microsoft/l/message/19:abc@thread.v2/1?context=%7B%22contextType%22%3A%22chat%22%7D',
    ];
    const dropped = [
      'http://teams.microsoft.com/l/message/1',
      'javascript:alert(1)',
      'https://teams.microsoft.com.evil.example/l/message/1',
      'https://evil.example/?https://teams.microsoft.com/',
      'https://teams.microsoft.com@evil.example/',
      'https://user:pw@teams.microsoft.com/l/message/1',
      'https://teams.microsoft.com:8443/l/message/1',
      'https://teams.microsoft.com/l/message/1)[x](javascript:alert(1)',
      'https://teams.microsoft.com/l/message/1 "x"',
      'https://teams.microsoft.com/<script>',
      `https://teams.microsoft.com/${'x'.repeat(3000)}`,
      '',
    ];
    for (const value of kept) it(`keeps ${value.slice(0, 50)}`, () => assert.equal(teamsMessageLink(value), value));
    for (const value of dropped) {
      it(`drops ${value.slice(0, 60) || 'an empty link'}`, () => assert.equal(teamsMessageLink(value), undefined));
    }
    it('drops what is not text', () => {
      for (const value of [undefined, null, 12, {}, [link], { toString: () => link }])
        assert.equal(teamsMessageLink(value), undefined);
    });
  });

  describe('what Teams hands over', () => {
    it('reads text, author, time and link', () => {
      assert.deepEqual(savedMessageOf(payload()), {
        text: 'The export is empty again',
        author: 'Tom Lee',
        at: '2026-11-28T14:02:31.000Z',
        link,
      });
    });

    it('keeps a bot’s name as the author, and "Someone" when none is given', () => {
      const fromBot = savedMessageOf(payload({ from: { application: { displayName: 'Build bot' } } }));
      assert.equal(fromBot?.author, 'Build bot');
      assert.equal(savedMessageOf(payload({ from: { user: { displayName: 12 } } }))?.author, 'Someone');
    });

    it('leaves out a time or a link it cannot read', () => {
      const message = savedMessageOf(payload({ createdDateTime: 'yesterday', linkToMessage: 'javascript:x' }));
      assert.deepEqual(message, { text: 'The export is empty again', author: 'Tom Lee' });
      assert.equal(savedMessageOf(payload({ createdDateTime: '+275760-09-13T00:00:00Z' }))?.at, undefined);
    });

    it('is nothing when there is no message, or neither text nor link', () => {
      for (const value of [undefined, null, 'text', [], {}, payload({ body: {}, linkToMessage: undefined })])
        assert.equal(savedMessageOf(value), undefined);
    });

    it('reads only fields the payload holds itself', () => {
      const hostile = JSON.parse('{"__proto__": {"body": {"content": "polluted"}}, "constructor": {"x": 1}}');
      assert.equal(savedMessageOf(hostile), undefined);
      assert.equal(({} as Record<string, unknown>).body, undefined);
    });

    it('takes a why as one line of at most 300 characters, and nothing for anything but text', () => {
      assert.equal(whyOf('  proof\nit is back  '), 'proof it is back');
      assert.equal(whyOf('x'.repeat(400))?.length, savedCaps.why);
      for (const value of ['   ', 12, {}, ['a'], null]) assert.equal(whyOf(value), undefined);
    });
  });

  describe('its timeline entry', () => {
    const message = { text: 'The export is empty again', author: 'Tom Lee', at: '2026-11-28T14:02:31.000Z', link };
    const dana = { id: 'aad-dana', name: 'Dana Agent' };

    it('names who saved it, whose message it is and when it was written', () => {
      assert.equal(
        savedEntryText(message, dana, undefined, '2026-11-28T15:00:00.000Z'),
        'Saved from Teams by Dana Agent: Tom Lee, 14:02 UTC — The export is empty again',
      );
      assert.equal(
        savedEntryText(message, dana, 'it is back', '2026-11-29T09:00:00.000Z'),
        'Saved from Teams by Dana Agent: Tom Lee, 2026-11-28 14:02 UTC — The export is empty again (why: it is back)',
      );
      assert.equal(
        savedEntryText(
          { text: 'Fixed on our side', author: 'Dana Agent' },
          dana,
          undefined,
          '2026-11-28T15:00:00.000Z',
        ),
        'Saved from Teams by Dana Agent — Fixed on our side',
      );
    });

    it('is one change: the next version, a saved entry with the link, no other effect', () => {
      const parsed = parseBrief(fullForm);
      assert.ok(parsed.ok);
      const escalation: Escalation = {
        id: 'ESC-12',
        brief: parsed.value,
        status: 'investigating',
        requester: dana,
        version: 4,
        createdAt: '2026-11-28T09:00:00.000Z',
        updatedAt: '2026-11-28T10:00:00.000Z',
      };
      const change = savedChange(escalation, message, dana, undefined, '2026-11-28T15:00:00.000Z');
      assert.equal(change.next.version, 5);
      assert.equal(change.next.updatedAt, '2026-11-28T15:00:00.000Z');
      assert.equal(change.next.status, 'investigating');
      assert.deepEqual(change.effects, []);
      assert.equal(change.entry.kind, 'saved');
      assert.equal(change.entry.link, link);
      // A help desk's ticket hears of it, saying who saved what.
      assert.equal(
        changeNote(change.next, change.entry),
        'Escalation Desk: ESC-12: Saved from Teams by Dana Agent: Tom Lee, 14:02 UTC — The export is empty again',
      );
    });
  });
});
