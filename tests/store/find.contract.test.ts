// "Find an escalation" in the store, one contract on both engines: by id, by customer (any case,
// the start of a name), by words (every one, stemmed as the look-alike search stems them, the word
// being typed as a prefix, the best match first), by tier, status and severity; never what the
// person may not see; without words their own open ones first, then soonest due; a page at a time.
import assert from 'node:assert/strict';
import type { Store } from '../../src/app/ports';
import type { FindFilter } from '../../src/app/searchPorts';
import type { Sight } from '../../src/domain/access';
import { type Brief, parseBrief } from '../../src/domain/brief';
import type { Escalation, Person } from '../../src/domain/escalation';
import { searchTerms } from '../../src/domain/similarity';
import type { Severity, Target } from '../../src/domain/vocabulary';
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

const priya: Person = { id: 'aad-priya', name: 'Priya Product' };
/** Someone outside Security: its escalations are hidden unless they raised or own them. */
const outside = (viewer?: string): Sight => ({ hidden: ['security'], ...(viewer ? { unlessInvolving: viewer } : {}) });

interface Story {
  summary: string;
  description?: string;
  customerNames?: string;
  target?: Target;
  severity?: Severity;
}

function briefOf(story: Story): Brief {
  const parsed = parseBrief({
    severity: 'high',
    target: 'engineering',
    customersAffected: 5,
    customerNames: 'Contoso Ltd, Fabrikam',
    workflowImpact: 'Customers cannot finish their work',
    description: 'Reported by the customer this morning.',
    asks: 'Find the cause',
    ...story,
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.value;
}

/** The words of a query as the use case hands them over: the last one still being typed unless a space follows. */
function wordsOf(typed: string): FindFilter['words'] {
  const terms = searchTerms({ summary: typed });
  const last = /[\p{L}\p{N}]+$/u.exec(typed)?.[0]?.toLowerCase();
  return { ...terms, ...(last && terms.words.includes(last) ? { partial: last } : {}) };
}

function findContract(engine: Engine) {
  describe(`Find an escalation in the store on ${engine.name}`, () => {
    const fresh = freshStores(engine);
    let store: Store;
    let database: Database;
    beforeEach(() => {
      ({ store, database } = fresh);
    });

    const create = async (story: Story, requester: Person = dana, minute = 0) =>
      (await store.createEscalation({ brief: briefOf(story), requester, at: at(minute) })).escalation;
    const find = async (filter: Partial<FindFilter>) =>
      (await store.findEscalations({ sight: outside(), skip: 0, count: 25, ...filter })).map((e) => e.id);
    const save = async (escalation: Escalation, change: Partial<Escalation>) => {
      const saved = await store.saveEscalation(changed(escalation, change), escalation.version, {
        at: at(30),
        actor: eli,
        kind: 'status',
        text: 'changed',
      });
      assert.ok(saved.saved);
      return saved.escalation;
    };

    it('finds one by its id, and nothing for an id hidden from the person or unknown', async () => {
      await create({ summary: 'Checkout fails for EU customers' });
      const second = await create({ summary: 'Login loops on iOS' });
      await create({ summary: 'Customer data visible to another tenant', target: 'security' });

      assert.deepEqual(await find({ id: second.id }), ['ESC-2']);
      assert.deepEqual(await find({ id: 'ESC-3' }), [], 'a Security escalation the person may not see');
      assert.deepEqual(await find({ id: 'ESC-3', sight: outside(dana.id) }), ['ESC-3'], 'they raised it');
      assert.deepEqual(await find({ id: 'ESC-99' }), []);
      assert.deepEqual(await find({ id: 'ESC-99999999999999999999' }), []);
      assert.deepEqual(await find({ id: 'ESC-2', target: 'product' }), [], 'every part of the filter must hold');
    });

    it('finds by a customer named in the brief: any case, the start of a name, never a wildcard', async () => {
      await create({ summary: 'Checkout fails', customerNames: 'Contoso Ltd, Fabrikam' });
      await create({ summary: 'Export slow', customerNames: 'Northwind Traders' });
      await create({ summary: 'Login loops', customerNames: 'contoso pharma' });
      await create({ summary: 'Invoices blank', customerNames: '100% Organic' });
      await create({ summary: 'Leak', customerNames: 'Contoso Ltd', target: 'security' });

      assert.deepEqual((await find({ customer: 'contoso' })).sort(), ['ESC-1', 'ESC-3']);
      assert.deepEqual(await find({ customer: 'NORTHWIND traders' }), ['ESC-2']);
      assert.deepEqual(await find({ customer: '  fabri ' }), ['ESC-1']);
      assert.deepEqual(await find({ customer: 'traders' }), [], 'the start of a name, not any part of it');
      assert.deepEqual(await find({ customer: '100%' }), ['ESC-4']);
      assert.deepEqual(await find({ customer: '%' }), [], '% is a character, not a wildcard');
      assert.deepEqual(await find({ customer: '_ontoso' }), []);
    });

    it('finds customers as the brief names them now: an edited list, and nothing of a deleted escalation', async () => {
      const checkout = await create({ summary: 'Checkout fails', customerNames: 'Contoso Ltd, Contoso ltd, Fabrikam' });
      await create({ summary: 'Export slow', customerNames: 'Fabrikam' });
      assert.deepEqual(await find({ customer: 'contoso ltd' }), ['ESC-1'], 'named twice, found once');
      await save(checkout, {
        brief: { ...checkout.brief, impact: { ...checkout.brief.impact, customerNames: ['Wingtip'] } },
      });
      assert.deepEqual(await find({ customer: 'contoso' }), []);
      assert.deepEqual(await find({ customer: 'wing' }), ['ESC-1']);
      await database.deleteEscalation(2);
      assert.deepEqual(await find({ customer: 'fabrikam' }), []);
    });

    it('finds by words of the summary and the description, every word, stemmed, the word being typed as a prefix', async () => {
      await create({
        summary: 'Invoices export as empty PDF',
        description: 'Finance teams in the EU see blank pages.',
      });
      await create({ summary: 'Checkout fails for EU customers', description: 'Every card payment answers 500.' });
      await create({ summary: 'Login loops on iOS', description: 'After the invoice reminder email, login loops.' });
      await create({
        summary: 'ERR_PDF_RENDER_TIMEOUT on large exports',
        description: 'Exports over 200 pages time out.',
      });

      assert.deepEqual(await find({ words: wordsOf('checkout EU ') }), ['ESC-2']);
      assert.deepEqual(await find({ words: wordsOf('invoice ') }), ['ESC-1', 'ESC-3'], 'the summary counts most');
      assert.deepEqual(await find({ words: wordsOf('blank pages ') }), ['ESC-1'], 'words of the description');
      assert.deepEqual(await find({ words: wordsOf('invo') }), ['ESC-1', 'ESC-3'], 'the word being typed');
      assert.deepEqual(await find({ words: wordsOf('invo ') }), [], 'a word finished is a whole word');
      assert.deepEqual(await find({ words: wordsOf('ERR_PDF_RENDER_TIMEOUT') }), ['ESC-4']);
      assert.deepEqual(await find({ words: wordsOf('checkout iOS') }), [], 'every word must be there');
      assert.deepEqual(await find({ words: { words: [], errors: [] } }), [], 'nothing to search finds nothing');
    });

    it('narrows by tier, status (or open), severity and customer, and finds what moved once it moved', async () => {
      const eu = await create({ summary: 'Checkout fails for EU customers', severity: 'critical' });
      await create({ summary: 'Checkout slow on product pages', target: 'product', severity: 'medium' });
      const closed = await create({ summary: 'Checkout button hidden', customerNames: 'Northwind' });
      await save(closed, { status: 'closed' });
      await save(eu, { status: 'investigating', brief: { ...eu.brief, summary: 'Checkout down for EU buyers' } });

      const checkout = wordsOf('checkout ');
      assert.deepEqual((await find({ words: checkout })).length, 3);
      assert.deepEqual(await find({ words: checkout, target: 'product' }), ['ESC-2']);
      assert.deepEqual(await find({ words: checkout, severity: 'critical' }), ['ESC-1']);
      assert.deepEqual(await find({ words: checkout, status: 'closed' }), ['ESC-3']);
      assert.deepEqual((await find({ words: checkout, open: true })).sort(), ['ESC-1', 'ESC-2']);
      assert.deepEqual(await find({ words: checkout, customer: 'north' }), ['ESC-3']);
      assert.deepEqual(await find({ words: wordsOf('buyers ') }), ['ESC-1'], 'the edited summary');
      assert.deepEqual(await find({ status: 'investigating' }), ['ESC-1']);
    });

    it('never finds a Security escalation the person may not see, by words, customer or nothing', async () => {
      await create({ summary: 'Checkout fails', customerNames: 'Contoso' });
      await create({ summary: 'Checkout tokens leak', customerNames: 'Contoso', target: 'security' }, priya);
      await create({ summary: 'Checkout card numbers logged', customerNames: 'Contoso', target: 'security' }, dana);

      for (const filter of [{ words: wordsOf('checkout ') }, { customer: 'contoso' }, {}]) {
        assert.deepEqual((await find(filter)).sort(), ['ESC-1']);
        assert.deepEqual((await find({ ...filter, sight: outside(dana.id) })).sort(), ['ESC-1', 'ESC-3']);
        assert.deepEqual((await find({ ...filter, sight: { hidden: [] } })).length, 3);
      }
    });

    it('without words: the person’s own open ones first (raised, owned or followed), then soonest due, then the closed, newest first', async () => {
      const raisedByOthers = await create({ summary: 'Raised by Priya, due last' }, priya);
      const mineDueLate = await create({ summary: 'Raised by Dana, due late' }, dana);
      const ownedByMe = await create({ summary: 'Raised by Priya, owned by Dana' }, priya);
      const dueSoon = await create({ summary: 'Raised by Priya, due soon' }, priya);
      const mineClosed = await create({ summary: 'Raised by Dana, closed' }, dana);
      const otherClosed = await create({ summary: 'Raised by Priya, closed' }, priya);
      await save(ownedByMe, { owner: dana });
      await save(mineClosed, { status: 'closed' });
      await save(otherClosed, { status: 'closed' });
      await store.recordSla([
        { escalationId: raisedByOthers.id, status: 'within', nextCheckAt: at(50) },
        { escalationId: mineDueLate.id, status: 'within', nextCheckAt: at(55) },
        { escalationId: ownedByMe.id, status: 'within', nextCheckAt: at(40) },
        { escalationId: dueSoon.id, status: 'within', nextCheckAt: at(10) },
      ]);

      assert.deepEqual(await find({ personId: dana.id }), ['ESC-3', 'ESC-2', 'ESC-4', 'ESC-1', 'ESC-6', 'ESC-5']);
      assert.deepEqual(await find({}), ['ESC-4', 'ESC-3', 'ESC-1', 'ESC-2', 'ESC-6', 'ESC-5'], 'nobody: due soonest');
      assert.deepEqual(await find({ personId: dana.id, customer: 'contoso' }), [
        'ESC-3',
        'ESC-2',
        'ESC-4',
        'ESC-1',
        'ESC-6',
        'ESC-5',
      ]);

      // "Mine" is what they raised, own or follow (store/followers.ts involving): a followed one comes first too.
      await store.follow(raisedByOthers.id, { ...dana, id: 'aad-dana' }, at(45));
      assert.deepEqual(await find({ personId: dana.id }), ['ESC-3', 'ESC-1', 'ESC-2', 'ESC-4', 'ESC-6', 'ESC-5']);
      const paged = [];
      for (let skip = 0; skip < 7; skip += 2) paged.push(...(await find({ personId: dana.id, skip, count: 2 })));
      assert.deepEqual(paged, ['ESC-3', 'ESC-1', 'ESC-2', 'ESC-4', 'ESC-6', 'ESC-5'], 'page by page, across the parts');
    });

    it('pages with skip and count, at most 25 at a time', async () => {
      for (let n = 0; n < 30; n++) await create({ summary: `Checkout fails in shop ${n}` }, dana, n);
      const all = await find({ words: wordsOf('checkout ') });
      assert.equal(all.length, 25, 'at most 25 however many are asked for');
      assert.equal((await find({ count: 100 })).length, 25);
      const first = await find({ words: wordsOf('checkout '), count: 10 });
      const second = await find({ words: wordsOf('checkout '), skip: 10, count: 10 });
      const rest = await find({ words: wordsOf('checkout '), skip: 20, count: 25 });
      assert.deepEqual([...first, ...second], all.slice(0, 20));
      assert.equal(rest.length, 10);
      assert.equal(new Set([...first, ...second, ...rest]).size, 30, 'every one once over the pages');
      const plain = [...(await find({ count: 15 })), ...(await find({ skip: 15, count: 15 }))];
      assert.equal(new Set(plain).size, 30);
      assert.deepEqual(await find({ count: 0 }), []);
      assert.deepEqual(await find({ skip: 30 }), []);
    });
  });

  describe(`Customers of escalations stored before their index, on ${engine.name}`, () => {
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

    it('are found once the store is opened (migrated)', async () => {
      database = await engine.fresh();
      await migratedBefore(database, '0016', async (db) => {
        for (const names of ['Contoso Ltd, Fabrikam', 'Northwind']) {
          const brief = briefOf({ summary: `Checkout fails for ${names}`, customerNames: names });
          await db
            .insertInto('escalations')
            .values({
              ...{ status: 'new', severity: 'high', target: 'engineering', summary: brief.summary },
              ...{ brief: JSON.stringify(brief), requester: JSON.stringify(dana), requester_id: dana.id },
              ...{ version: 1, created_at: at(0), updated_at: at(0), sla_check_at: at(0) },
            })
            .execute();
        }
        // A brief some older version wrote without customer names at all.
        const bare = { ...briefOf({ summary: 'No customers' }), impact: { customersAffected: 1, workflowImpact: 'x' } };
        await db
          .insertInto('escalations')
          .values({
            ...{ status: 'new', severity: 'high', target: 'engineering', summary: 'No customers' },
            ...{ brief: JSON.stringify(bare), requester: JSON.stringify(dana), version: 1 },
            ...{ created_at: at(0), updated_at: at(0), sla_check_at: at(0) },
          })
          .execute();
      });
      store = await openStore(database.url, database.options);
      const found = async (customer: string) =>
        (await store?.findEscalations({ customer, sight: { hidden: [] }, skip: 0, count: 25 }))?.map((e) => e.id);
      assert.deepEqual(await found('fabrikam'), ['ESC-1']);
      assert.deepEqual(await found('North'), ['ESC-2']);
    });
  });
}

findContract(sqliteEngine());
findContract(postgresEngine());
