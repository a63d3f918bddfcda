// The Escalation Board in a browser: Chromium (headless, playwright-core, see ../support/browser.ts) opens the
// page the real server serves in local mode, with escalations in it and the fake Bot Connector
// holding their posted cards. A person filters the queue, opens an escalation, acts on it (the
// posted card updates), meets the stale-version rule, sees the charts drawn and downloads the
// CSV. Screenshots of the board and the detail, light and dark, go to docs/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { noneGiven, sectionHeadings } from '../../src/domain/briefSections';
import { moveCaps } from '../../src/domain/caps';
import type { RunningApp } from '../../src/main';
import { json, post, startTestApp } from '../support/app';
import { fullForm, minimalForm } from '../support/briefs';
import { answerTeamsOriginList, launchChromium } from '../support/browser';
import { FakeConnector, rosterFrom } from '../support/fakeConnector';
import { channels, type Persona, personas, routeTier } from '../support/teamsActivities';

const docs = path.resolve(__dirname, '../../../docs');
const invoicesTicket = 'https://acme.zendesk.com/agent/tickets/4821';
const as = (person: Persona) => ({ 'x-dev-user': person.aadObjectId, 'x-dev-user-name': person.name });

describe('The Escalation Board in a browser (local mode)', function () {
  this.timeout(120_000);
  let teams: FakeConnector;
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const ids = {} as Record<'invoices' | 'billing' | 'leak' | 'search' | 'sso', string>;
  /** What the page threw or logged as an error: none is expected. */
  const problems: string[] = [];

  const raise = async (form: object, person: Persona = personas.agent) => {
    const answer = await post(`${app.url}/api/escalations`, { ...form, requester: { name: person.name } }, as(person));
    assert.equal(answer.status, 201, await answer.clone().text());
    return (await json(answer)).id as string;
  };
  const actOn = async (id: string, person: Persona, body: object) => {
    const answer = await post(`${app.url}/api/escalations/${id}/actions`, body, as(person));
    assert.equal(answer.status, 200, await answer.clone().text());
    return json(answer);
  };
  /** Opens the board as a person (the local "who are you" choice, remembered by the browser). */
  const openBoard = async (person: Persona, query = '') => {
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${error.message}`));
    page.on('console', (message) => {
      // The stale-version answer (409) and a hidden escalation (404) are asked for below; the browser logs them.
      const expected =
        /status of (409|404)/.test(message.text()) && message.location().url.includes('/api/escalations/');
      if (message.type() === 'error' && !expected) problems.push(`${message.text()} (${message.location().url})`);
    });
    await page.addInitScript(([key, value]) => (globalThis as any).localStorage.setItem(key, value), [
      'escalation-board.actingAs',
      JSON.stringify({ id: person.aadObjectId, name: person.name }),
    ] as const);
    await page.goto(`${app.url}/tab/index.html${query}`);
    await page.locator('.queue-status', { hasText: /\w/ }).waitFor();
    return page;
  };
  const rowIds = () =>
    page.locator('#queue tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

  before(async () => {
    teams = await FakeConnector.start();
    teams.rosters.set(channels.security.id, rosterFrom([personas.security, personas.lead]));
    teams.rosters.set(channels.engineering.id, rosterFrom([personas.engineer, personas.lead]));
    app = await startTestApp({}, { delivery: { pollMs: 50, backoffBaseMs: 50 } });
    await routeTier(app.url, teams.url, 'engineering', channels.engineering);
    await routeTier(app.url, teams.url, 'security', channels.security);

    // No desk is connected: the ticket's link is kept, its host naming the desk.
    ids.invoices = await raise({ ...fullForm, severity: 'critical', ticket: invoicesTicket });
    ids.billing = await raise(minimalForm);
    ids.leak = await raise({ ...minimalForm, summary: 'Customer data visible to another tenant', target: 'security' });
    ids.search = await raise({ ...fullForm, summary: 'Search times out for large workspaces', severity: 'high' });
    ids.sso = await raise({ ...fullForm, summary: 'SSO login loops for Okta customers', severity: 'medium' });
    // Some history for the charts: one acknowledged, one resolved, one linked to another.
    await actOn(ids.search, personas.engineer, { verb: 'escalation.setStatus', version: 1, status: 'acknowledged' });
    const owned = await actOn(ids.sso, personas.engineer, { verb: 'escalation.assign', version: 1 });
    await actOn(ids.sso, personas.engineer, {
      verb: 'escalation.setStatus',
      version: owned.version,
      status: 'resolved',
      resolution: 'Redirect URI fixed in 2.14.1',
    });
    await teams.waitFor((fake) => fake.cardsIn(channels.engineering.id).length >= 3 || undefined);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await teams?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    await answerTeamsOriginList(context);
  });
  afterEach(async () => {
    await context.close();
    assert.deepEqual(problems.splice(0), [], 'the page threw or logged no error');
  });

  it('shows the queue a person may see, with counts, and filters it by tier, severity, owner, SLA and words', async () => {
    await openBoard(personas.engineer);
    assert.match(await page.locator('#notice').innerText(), /Outside Teams/);
    assert.equal(await page.locator('#acting-as').inputValue(), personas.engineer.aadObjectId);
    // Open ones only (the resolved one is not in the queue), and never the Security one.
    assert.deepEqual((await rowIds()).sort(), [ids.invoices, ids.billing, ids.search].sort());
    assert.equal(await page.locator('.count.total .number').innerText(), '3');
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, /another tenant/);
    assert.match(text, /Engineering 2 · L2 Support 1|Support 1/);
    // The ticket column: its label, opening the ticket in a new tab.
    assert.equal(await page.locator('#queue thead th').last().innerText(), 'Ticket');
    const ticket = page.locator(`#queue tr[data-id="${ids.invoices}"] a.ticket`);
    assert.equal(await ticket.innerText(), 'acme.zendesk.com 4821');
    assert.equal(await ticket.getAttribute('href'), invoicesTicket);
    assert.equal(await ticket.getAttribute('target'), '_blank');
    assert.match((await ticket.getAttribute('rel')) ?? '', /\bnoopener\b/);
    assert.equal(await page.locator(`#queue tr[data-id="${ids.billing}"] td`).last().innerText(), '');

    await page.selectOption('#severity', 'critical');
    await page.waitForFunction((id) => {
      const rows = (globalThis as any).document.querySelectorAll('#queue tbody tr');
      return rows.length === 1 && rows[0].getAttribute('data-id') === id;
    }, ids.invoices);
    await page.selectOption('#severity', '');
    await page.selectOption('#target', 'support');
    // Waited for by its row: the critical filter's one row may still be showing before the redraw.
    await page.waitForFunction((id) => {
      const rows = (globalThis as any).document.querySelectorAll('#queue tbody tr');
      return rows.length === 1 && rows[0].getAttribute('data-id') === id;
    }, ids.billing);
    assert.deepEqual(await rowIds(), [ids.billing]);
    await page.selectOption('#target', '');
    await page.selectOption('#owner', 'none');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#queue tbody tr').length === 3);
    await page.selectOption('#owner', '');
    await page.fill('#search', 'large WORKSPACES');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#queue tbody tr').length === 1);
    assert.deepEqual(await rowIds(), [ids.search]);
    await page.fill('#search', 'nothing like this');
    await page.locator('.queue-status', { hasText: 'Nothing matches' }).waitFor();
    await page.fill('#search', '');
    await page.locator('#queue tbody tr').nth(2).waitFor();
    // The SLA counts are filters too.
    await page.click('.count-within');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('.count-within')?.getAttribute('aria-pressed') === 'true',
    );
    await page.click('.count-within');
    await page.screenshot({ path: path.join(docs, 'board-light.png'), fullPage: true });
  });

  it('opens an escalation in full and acts on it: the posted card updates; a stale version is shown, not overwritten', async () => {
    const posted = await teams.waitFor((fake) =>
      fake.cardsIn(channels.engineering.id).find((c) => JSON.stringify(c.card).includes(ids.invoices as string)),
    );
    const before = teams.updates(posted.conversationId, posted.activityId).length;
    await openBoard(personas.engineer);
    await page.click(`#queue tr[data-id="${ids.invoices}"] button`);
    const detail = page.locator('dialog#detail');
    await detail.locator('#detail-title').waitFor();
    const text = await detail.innerText();
    // The brief's headings are those of its card and its text (domain/briefSections.ts).
    for (const heading of ['SLA clocks', ...Object.values(sectionHeadings), 'Timeline']) {
      assert.ok(text.includes(heading), heading);
    }
    assert.match(text, /Invoices export as empty PDFs/);
    assert.ok(await detail.locator('#open-in-teams').isVisible(), 'its thread in Teams');
    assert.ok(await detail.locator('#swarm').isVisible(), 'Swarm');
    assert.ok(await detail.locator('#meet-now').isVisible(), 'Meet now');
    assert.equal(await detail.locator('#detail-ticket a.ticket').getAttribute('href'), invoicesTicket);
    await page.screenshot({ path: path.join(docs, 'detail-light.png') });

    await detail.locator('#acknowledge').click();
    await detail.locator('#detail-message', { hasText: 'Done' }).waitFor();
    assert.match(await detail.innerText(), /Acknowledged/);
    const update = await teams.waitFor((fake) =>
      fake
        .updates(posted.conversationId, posted.activityId)
        .slice(before)
        .find((u) => /Acknowledged/.test(JSON.stringify(u.activity))),
    );
    assert.ok(update, 'the posted card shows it acknowledged');

    // Someone else changes it (from its card, say) while the board shows version 2.
    const current = await json(await fetch(`${app.url}/api/escalations/${ids.invoices}`));
    await actOn(ids.invoices, personas.lead, {
      verb: 'escalation.addNote',
      version: current.version,
      note: 'Customer call at 3pm',
    });
    await detail.locator('summary', { hasText: 'Add a note' }).click();
    await detail.locator('#note').fill('Looking at the PDF renderer');
    await detail.locator('#add-note').click();
    await detail.locator('#detail-message', { hasText: 'Someone changed it meanwhile' }).waitFor();
    assert.match(await detail.locator('.timeline').innerText(), /Customer call at 3pm/);
    assert.doesNotMatch(await detail.locator('.timeline').innerText(), /PDF renderer/);
    // Tried again on the current version, it lands.
    await detail.locator('summary', { hasText: 'Add a note' }).click();
    await detail.locator('#note').fill('Looking at the PDF renderer');
    await detail.locator('#add-note').click();
    await detail.locator('.timeline', { hasText: 'PDF renderer' }).waitFor();

    await detail.locator('#assign-to-me').click();
    await detail.locator('#detail-message', { hasText: 'Done' }).waitFor();
    assert.match(await detail.innerText(), new RegExp(`${personas.engineer.name}`));
    await page.keyboard.press('Escape');
    await page.locator(`#queue tr[data-id="${ids.invoices}"]`, { hasText: personas.engineer.name }).waitFor();
  });

  it('shows a ticket link that is not http(s) as text, never as a link', async () => {
    // The server keeps only http(s) links; the page does not rely on it (a desk's body is anyone's).
    await context.route('**/api/board?**', async (route) => {
      const response = await route.fetch();
      const queue = await response.json();
      for (const item of queue.items) item.ticket = { system: 'zendesk', id: '66', url: 'javascript:alert(1)' };
      await route.fulfill({ response, json: queue });
    });
    await openBoard(personas.engineer);
    const row = page.locator(`#queue tr[data-id="${ids.invoices}"]`);
    assert.equal(await row.locator('td').last().innerText(), 'Zendesk #66');
    assert.equal(await page.locator('#queue a.ticket, #queue a[href^="javascript"]').count(), 0);
  });

  it('links a message saved from Teams in the timeline, in a tab of its own, only when it is a Teams https link', async () => {
    // The server keeps only Teams' own links; the page does not rely on it.
    const messageLink = 'https://teams.microsoft.com/l/message/19:support@thread.tacv2/1767621720000';
    await context.route(`**/api/escalations/${ids.billing}`, async (route) => {
      const response = await route.fetch();
      const detail = await response.json();
      const saved = { version: 90, at: '2026-01-05T14:03:00.000Z', actor: { name: 'Dana Agent' }, kind: 'saved' };
      detail.timeline.push(
        { ...saved, text: 'Saved from Teams by Dana Agent: Sam Support — it is back', link: messageLink },
        {
          ...saved,
          version: 91,
          text: 'Saved from Teams by Dana Agent — [x](javascript:alert(1))',
          link: 'javascript:alert(1)',
        },
      );
      await route.fulfill({ response, json: detail });
    });
    await openBoard(personas.agent);
    await page.click(`#queue tr[data-id="${ids.billing}"] button`);
    const timeline = page.locator('dialog#detail .timeline');
    await timeline.locator('li', { hasText: 'it is back' }).waitFor();
    const links = await timeline
      .locator('a')
      .evaluateAll((anchors) =>
        anchors.map((a) => [a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel'), a.textContent]),
      );
    assert.deepEqual(links, [[messageLink, '_blank', 'noopener noreferrer', 'open the message']]);
    assert.match(await timeline.innerText(), /\[x\]\(javascript:alert\(1\)\)/, 'what people wrote stays text');
  });

  it('draws the charts and downloads the CSV of what is filtered', async () => {
    await openBoard(personas.engineer);
    await page.click('#tab-charts');
    await page.locator('#charts-view[data-drawn="5"]').waitFor();
    const painted = await page.evaluate(() => {
      const canvas = (globalThis as any).document.querySelector('#chart-open');
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let coloured = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) coloured++;
      return coloured;
    });
    assert.ok(painted > 1000, `the open-by-tier chart is drawn (${painted} pixels)`);
    assert.match(await page.locator('#charts-view').innerText(), /Time to acknowledge/);
    assert.doesNotMatch(await page.locator('#charts-view').innerText(), /another tenant/);

    await page.click('#tab-queue');
    await page.selectOption('#target', 'engineering');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#queue tbody tr').length === 2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.match(lines[0] ?? '', /^"id","summary","tier","severity","status"/);
    assert.equal(lines.length, 3, csv);
    assert.ok(csv.includes(ids.invoices as string) && csv.includes(ids.search as string));
    assert.doesNotMatch(csv, /another tenant|Billing/);
  });

  it('works from the keyboard, with every control labelled for screen readers', async () => {
    await openBoard(personas.engineer);
    const unlabelled = await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('select, input, textarea')]
        .filter((control: any) => control.labels.length === 0 && !control.getAttribute('aria-label'))
        .map((control: any) => control.id || control.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    const first = page.locator('#queue tbody tr').first().locator('button');
    assert.match((await first.getAttribute('aria-label')) ?? '', /^Open ESC-\d+: /);
    await first.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('dialog#detail');
    await detail.locator('#detail-title').waitFor();
    const inDialog = await page.evaluate(() =>
      (globalThis as any).document.querySelector('dialog#detail').contains((globalThis as any).document.activeElement),
    );
    assert.ok(inDialog, 'focus moves into the dialog');
    const labelled = await detail.evaluate((dialog: any) =>
      [...dialog.querySelectorAll('select, input, textarea')].every((c: any) => c.labels.length > 0),
    );
    assert.ok(labelled, 'the action forms are labelled');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
    assert.equal(
      await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('aria-label')),
      await first.getAttribute('aria-label'),
      'focus returns to the escalation it left',
    );
    await page.focus('#tab-queue');
    await page.keyboard.press('ArrowRight');
    await page.locator('#charts-view[data-drawn]').waitFor();
    assert.equal(await page.locator('#queue-view').isHidden(), true);
  });

  it('follows the dark theme, and a person outside Security sees no Security escalation anywhere on it', async () => {
    await openBoard(personas.engineer, '?theme=dark');
    assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.dataset.theme), 'dark');
    const background = await page.evaluate(
      () => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor,
    );
    assert.notEqual(background, 'rgb(245, 245, 245)', 'a dark background');
    await page.screenshot({ path: path.join(docs, 'board-dark.png'), fullPage: true });
    await page.click(`#queue tr[data-id="${ids.invoices}"] button`);
    await page.locator('dialog#detail #detail-title').waitFor();
    await page.screenshot({ path: path.join(docs, 'detail-dark.png') });

    // The Security member sees it; the engineer's own page, even asked directly, does not.
    await openBoard(personas.security);
    assert.ok((await rowIds()).includes(ids.leak as string));
    await openBoard(personas.engineer, `?tier=security`);
    await page.locator('.queue-status', { hasText: 'Nothing matches' }).waitFor();
    const hidden = await page.evaluate(async (id) => {
      const answer = await fetch(`/api/escalations/${id ?? ''}`, {
        headers: { 'x-dev-user': 'aad00000-0000-4000-8000-000000000003' },
      });
      return answer.status;
    }, ids.leak);
    assert.equal(hidden, 404);
  });

  it('shows the 100 due soonest, and more on asking', async () => {
    for (let n = 0; n < 100; n++) await raise({ ...minimalForm, summary: `Password reset mail delayed, case ${n}` });
    await openBoard(personas.engineer);
    assert.equal(await page.locator('#queue tbody tr').count(), 100);
    assert.match(await page.locator('.queue-status').innerText(), /^Showing the 100 due soonest of 10\d\.$/);
    await page.click('#show-more');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('#queue tbody tr').length > 100);
    assert.equal(await page.locator('#show-more').isHidden(), true);
  });

  it('offers each person what their card offers them: the owner Waiting on customer and Resolve, someone outside the tier nothing', async () => {
    // Outside the Support tier, the engineer may follow its escalation and no more; its brief says what was not given.
    await openBoard(personas.engineer);
    await page.click(`#queue tr[data-id="${ids.billing}"] button`);
    const detail = page.locator('dialog#detail');
    await detail.locator('#detail-title', { hasText: ids.billing as string }).waitFor();
    assert.match(await detail.innerText(), /You can follow this escalation; acting on it is for its tier\./);
    assert.equal(await detail.locator('.actions, form').count(), 0, 'no action offered');
    const tried = detail.locator('section.brief-section', {
      has: page.locator('h3', { hasText: sectionHeadings.tried }),
    });
    assert.match(await tried.innerText(), new RegExp(noneGiven));
    assert.doesNotMatch(
      await detail.innerText(),
      new RegExp(sectionHeadings.reproduction),
      'not a bug: no steps asked',
    );
    await page.keyboard.press('Escape');

    // Its owner, on their own tier's escalation.
    const current = await json(
      await fetch(`${app.url}/api/escalations/${ids.search}`, { headers: as(personas.engineer) }),
    );
    await actOn(ids.search as string, personas.engineer, { verb: 'escalation.assign', version: current.version });
    await page.click(`#queue tr[data-id="${ids.search}"] button`);
    await detail.locator('#detail-title', { hasText: ids.search as string }).waitFor();
    assert.ok(await detail.locator('#waiting-on-customer').isVisible());
    assert.equal(await detail.locator('#assign-to-me, #acknowledge').count(), 0);
    assert.equal(await detail.locator('#new-status option[value="resolved"]').count(), 0, 'the owner resolves at once');
    assert.equal(await detail.locator('#note').getAttribute('maxlength'), String(moveCaps.note));
    await detail.locator('details:has(#resolve-form) > summary').click();
    await detail.locator('#resolve-how').fill('Search index rebuilt with the new shard size');
    await detail.locator('#resolve').click();
    await detail.locator('#detail-message', { hasText: 'Done' }).waitFor();
    assert.match(await detail.locator('.badges').innerText(), /Resolved/);
    assert.ok(await detail.locator('#close-escalation').isVisible(), 'a resolved one may be closed');
    assert.equal(await detail.locator('#reopen-form').count(), 1, 'or reopened');
  });

  it('follows an escalation from its detail and unfollows it; its requester follows it as such', async () => {
    const shown = await fetch(`${app.url}/api/escalations/${ids.invoices}`, { headers: as(personas.product) });
    const { count } = (await json(shown)).following;
    const follow = (n: number) => (n === 1 ? '1 person follows this' : `${n} people follow this`);
    await openBoard(personas.product);
    await page.click(`#queue tr[data-id="${ids.invoices}"] button`);
    const detail = page.locator('dialog#detail');
    const followers = detail.locator('#follower-count');
    assert.equal(await followers.innerText(), follow(count));
    await detail.locator('#follow').click();
    await detail.locator('#unfollow').waitFor();
    assert.equal(await followers.innerText(), follow(count + 1));
    assert.match(await detail.locator('#detail-message').innerText(), /You follow/);
    await detail.locator('#unfollow').click();
    await detail.locator('#follow').waitFor();
    assert.equal(await followers.innerText(), follow(count));

    await openBoard(personas.agent);
    await page.click(`#queue tr[data-id="${ids.invoices}"] button`);
    const theirs = page.locator('dialog#detail .following');
    await theirs.filter({ hasText: 'You follow it as its requester.' }).waitFor();
    assert.equal(await theirs.locator('#follow, #unfollow').count(), 0);
  });
});
