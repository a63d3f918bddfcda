// "Possibly the same as ESC-12", on both engines: escalations about one problem in different
// words find each other, unrelated ones do not, closed ones are not offered, the index follows
// every change of a brief, and a shared error string is enough.
import assert from 'node:assert/strict';
import type { Store } from '../../src/app/ports';
import { similarOpenEscalations } from '../../src/app/similar';
import { seesEverything } from '../../src/domain/access';
import { type Brief, parseBrief } from '../../src/domain/brief';
import type { Escalation } from '../../src/domain/escalation';
import { searchTerms } from '../../src/domain/similarity';
import { openStore } from '../../src/store/openStore';
import {
  at,
  changed,
  type Database,
  dana,
  type Engine,
  eli,
  freshStores,
  migratedBefore,
  postgresEngine,
  sqliteEngine,
} from './engines';

interface Story {
  summary: string;
  description: string;
  environment?: string;
  actual?: string;
  expected?: string;
}

function briefAbout(story: Story): Brief {
  const parsed = parseBrief({
    severity: 'high',
    target: 'engineering',
    customersAffected: 2,
    workflowImpact: 'Customers cannot finish their work',
    asks: 'Find the cause',
    ...story,
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.value;
}

/** One problem, told three ways by three agents. */
const emptyPdf: Story = {
  summary: 'PDF export empty for EU accounts since 2.14',
  description:
    'Since the 2.14 upgrade, exporting an invoice to PDF gives an empty document for accounts in the EU region. US accounts export fine.',
  environment: 'Production EU-West, web app 2.14.1',
  actual: 'An empty PDF',
};
const blankPdf: Story = {
  summary: 'Invoices download as blank PDF files (EU)',
  description:
    'Finance teams in the EU download their invoices and every PDF opens blank. It started after the 2.14 release; invoices of US teams are fine.',
  expected: 'The invoice PDF with its lines',
};
const zeroBytePdf: Story = {
  summary: 'EU customers get 0-byte invoice PDFs after upgrade to 2.14',
  description:
    'After upgrading to 2.14 the invoice PDF that EU accounts download is 0 bytes. Export from the invoice page and from the API both give empty files.',
  environment: 'EU-West',
};

/** Nothing to do with PDFs, and with each other. */
const ssoLoop: Story = {
  summary: 'SSO login loops back to the sign-in page',
  description:
    'People at Contoso are sent back to the Azure AD sign-in page after entering their password, so the login never completes. It started after they rotated their SAML certificate.',
  environment: 'Production EU-West, Edge 120',
};
const slowDashboard: Story = {
  summary: 'Analytics dashboard takes 40 seconds to load',
  description:
    'The analytics dashboard is very slow for large accounts: the charts take 40 seconds to render, smaller accounts load in 2 seconds. Nothing changed on their side.',
};
const billingAddress: Story = {
  summary: 'Billing address form does not save',
  description: 'The save button on the billing address form does nothing for this account and shows no message.',
  expected: 'The new billing address is saved',
};

/** One error, two very different descriptions. */
const receipts: Story = {
  summary: 'Order receipts never arrive',
  description: 'Since Monday the receipt job logs ERR_PDF_RENDER_TIMEOUT for every order, and shoppers get no receipt.',
};
const attachments: Story = {
  summary: 'Confirmation emails go out without their attachment',
  description: 'The mail worker sends the confirmation but drops the attachment; its log shows ERR_PDF_RENDER_TIMEOUT.',
};

/** A database as a version before the search index left it, holding escalations about these stories. */
async function storedBeforeSearch(database: Database, stories: Story[]): Promise<void> {
  await migratedBefore(database, '0004', async (db) => {
    for (const story of stories) {
      await db
        .insertInto('escalations')
        .values({
          status: 'new',
          severity: 'high',
          target: 'engineering',
          summary: story.summary,
          brief: JSON.stringify(briefAbout(story)),
          requester: JSON.stringify(dana),
          version: 1,
          created_at: at(0),
          updated_at: at(0),
        })
        .execute();
    }
  });
}

function searchContract(engine: Engine) {
  describe(`Similar escalations on ${engine.name}`, () => {
    let store: Store;
    const fresh = freshStores(engine);
    beforeEach(() => {
      store = fresh.store;
    });

    const create = async (story: Story): Promise<Escalation> =>
      (await store.createEscalation({ brief: briefAbout(story), requester: dana, at: at(0) })).escalation;
    const similarTo = async (escalation: Escalation) =>
      (await similarOpenEscalations(store, escalation.brief, seesEverything, escalation.id)).map((e) => e.id).sort();
    const save = async (escalation: Escalation, change: Partial<Escalation>) => {
      const result = await store.saveEscalation(changed(escalation, change), escalation.version, {
        at: at(30),
        actor: eli,
        kind: 'edited',
        text: 'Changed',
      });
      assert.ok(result.saved);
      return result.escalation;
    };

    it('finds one problem told in different words, and nothing unrelated', async () => {
      const empty = await create(emptyPdf);
      const blank = await create(blankPdf);
      const zeroByte = await create(zeroBytePdf);
      const unrelated = [await create(ssoLoop), await create(slowDashboard), await create(billingAddress)];

      assert.deepEqual(await similarTo(empty), [blank.id, zeroByte.id]);
      assert.deepEqual(await similarTo(blank), [empty.id, zeroByte.id]);
      assert.deepEqual(await similarTo(zeroByte), [empty.id, blank.id]);
      for (const other of unrelated) assert.deepEqual(await similarTo(other), [], other.brief.summary);
    });

    it('offers only what the sight lets the person see, and what they raised or own whatever its tier', async () => {
      const secret = (
        await store.createEscalation({
          brief: { ...briefAbout(emptyPdf), target: 'security' },
          requester: dana,
          at: at(0),
        })
      ).escalation;
      const blank = await create(blankPdf);
      const outsider = { hidden: ['security' as const] };
      const ids = async (sight: { hidden: readonly 'security'[]; unlessInvolving?: string }) =>
        (await similarOpenEscalations(store, blank.brief, sight, blank.id)).map((e) => e.id);
      assert.deepEqual(await ids(outsider), []);
      assert.deepEqual(await ids({ ...outsider, unlessInvolving: dana.id }), [secret.id], 'Dana raised it');
      assert.deepEqual(await ids({ hidden: [] }), [secret.id]);
    });

    it('looks up the text of a form not yet submitted, with the summary alone', async () => {
      const empty = await create(emptyPdf);
      await create(ssoLoop);
      const found = await similarOpenEscalations(
        store,
        { summary: 'Blank invoice PDF for EU accounts after 2.14' },
        seesEverything,
      );
      assert.deepEqual(
        found.map(({ id, summary, target }) => ({ id, summary, target })),
        [{ id: empty.id, summary: emptyPdf.summary, target: empty.brief.target }],
      );
    });

    it('offers no resolved or closed escalation, unless asked for all', async () => {
      const resolved = await create(emptyPdf);
      const closed = await create(blankPdf);
      const open = await create(zeroBytePdf);
      await save(resolved, { status: 'resolved' });
      await save(closed, { status: 'closed' });

      assert.deepEqual(await similarTo(open), []);
      const query = searchTerms({ summary: zeroBytePdf.summary, description: zeroBytePdf.description });
      const all = await store.findSimilar(query, { openOnly: false, limit: 10, excludeId: open.id });
      assert.deepEqual(all.map((e) => e.id).sort(), [resolved.id, closed.id].sort());

      const reopened = await store.getEscalation(resolved.id);
      await save(reopened!, { status: 'investigating' });
      assert.deepEqual(await similarTo(open), [resolved.id]);
    });

    it('follows a changed brief: the old text no longer matches, the new one does', async () => {
      const empty = await create(emptyPdf);
      const other = await create(billingAddress);
      assert.deepEqual(await similarTo(empty), []);

      const rewritten = await save(other, { brief: briefAbout(zeroBytePdf) });
      assert.deepEqual(await similarTo(empty), [other.id]);
      assert.deepEqual(await similarOpenEscalations(store, briefAbout(billingAddress), seesEverything), []);

      await save(rewritten, { brief: briefAbout(billingAddress) });
      assert.deepEqual(await similarTo(empty), []);
    });

    it('never offers an escalation as similar to itself', async () => {
      const empty = await create(emptyPdf);
      assert.deepEqual(await similarTo(empty), []);
      const query = searchTerms({ summary: emptyPdf.summary, description: emptyPdf.description });
      const found = await store.findSimilar(query, { openOnly: true, limit: 5, excludeId: empty.id });
      assert.deepEqual(found, []);
      const withItself = await store.findSimilar(query, { openOnly: true, limit: 5 });
      assert.deepEqual(
        withItself.map((e) => e.id),
        [empty.id],
      );
    });

    it('a shared error string is enough, however differently the rest is worded', async () => {
      const receipt = await create(receipts);
      const attachment = await create(attachments);
      await create(emptyPdf);
      assert.deepEqual(await similarTo(receipt), [attachment.id]);
      assert.deepEqual(await similarTo(attachment), [receipt.id]);
    });

    it('reports what each candidate shares: words, errors, and a rank that puts the closest first', async () => {
      const blank = await create(blankPdf);
      const zeroByte = await create(zeroBytePdf);
      const receipt = await create(receipts);
      await create(ssoLoop);
      const query = searchTerms({ ...emptyPdf, description: `${emptyPdf.description} ERR_PDF_RENDER_TIMEOUT` });
      const found = await store.findSimilar(query, { openOnly: true, limit: 10 });

      const byId = new Map(found.map((e) => [e.id, e]));
      assert.equal(byId.get(receipt.id)?.matchedErrors, 1);
      assert.equal(byId.get(blank.id)?.matchedErrors, 0);
      assert.equal(byId.get(zeroByte.id)?.summary, zeroBytePdf.summary);
      for (const candidate of found) {
        assert.ok(candidate.rank > 0, `${candidate.id} rank ${candidate.rank}`);
        assert.ok(candidate.matched >= candidate.matchedErrors);
        assert.ok(candidate.matched <= query.words.length + query.errors.length);
      }
      const ranks = found.map((e) => e.rank);
      assert.deepEqual(
        ranks,
        [...ranks].sort((x, y) => y - x),
      );
      assert.ok((byId.get(zeroByte.id)?.matched ?? 0) >= 4, JSON.stringify(found));
    });

    it('finds nothing for text with no word that matters, and keeps odd characters out of the query syntax', async () => {
      await create(emptyPdf);
      assert.deepEqual(
        await similarOpenEscalations(store, { summary: 'The customer has an issue' }, seesEverything),
        [],
      );
      const odd = await store.findSimilar(
        { words: ['pdf"', "eu'", 'a:b', '(2.14)', 'NEAR', 'OR', '*', '-', 'export^'], errors: ['"quoted" & | !'] },
        { openOnly: true, limit: 5 },
      );
      assert.equal(odd.length, 1);
    });
  });
}

/** Migration 0004_search on a database that already holds escalations. */
function backfillContract(engine: Engine) {
  describe(`The search index of escalations stored before it, on ${engine.name}`, () => {
    let database: Database;
    let store: Store | undefined;

    before(async function () {
      await engine.prepare(this);
    });
    after(() => engine.finish());
    afterEach(async () => {
      await store?.close();
      await database?.drop();
    });

    it('indexes them when the store is opened (migrated)', async () => {
      database = await engine.fresh();
      await storedBeforeSearch(database, [emptyPdf, blankPdf, ssoLoop]);
      store = await openStore(database.url, database.options);
      const found = await similarOpenEscalations(store, { summary: zeroBytePdf.summary }, seesEverything);
      assert.deepEqual(found.map((e) => e.id).sort(), ['ESC-1', 'ESC-2']);
    });
  });
}

searchContract(sqliteEngine());
searchContract(postgresEngine());
backfillContract(sqliteEngine());
backfillContract(postgresEngine());
