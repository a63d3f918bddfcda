import assert from 'node:assert/strict';
import { escalationIdInLink } from '../../src/domain/escalationLinks';

describe('the links Escalation Desk gives out, read back', () => {
  const ours = 'https://escalations.contoso.com';
  const table: [string, string | undefined][] = [
    ['https://escalations.contoso.com/escalations/ESC-12', 'ESC-12'],
    ['https://escalations.contoso.com/escalations/esc-12/', 'ESC-12'],
    ['https://escalations.contoso.com/api/escalations/ESC-7/brief.txt?for=a&exp=1&sig=x', 'ESC-7'],
    ['https://escalations.contoso.com/api/escalations/ESC-7', 'ESC-7'],
    ['https://escalations.contoso.com/tab/index.html?escalation=ESC-9', 'ESC-9'],
    ['https://ESCALATIONS.contoso.com/escalations/ESC-3', 'ESC-3'],
    ['https://escalations.contoso.com/escalations/ESC-0', undefined],
    ['https://escalations.contoso.com/escalations/ESC-12/extra', undefined],
    ['https://evil.example/escalations/ESC-12', undefined],
    ['https://escalations.contoso.com.evil.example/escalations/ESC-12', undefined],
    ['https://escalations.contoso.com/tab/index.html?escalation=<script>', undefined],
    ['https://escalations.contoso.com/%E0%A4%A', undefined],
    ['not a link', undefined],
    ['', undefined],
  ];
  for (const [link, id] of table) {
    it(`"${link.slice(0, 70)}" names ${id ?? 'none'}`, () => assert.equal(escalationIdInLink(link, ours), id));
  }
});
