// The board's queries, one contract on both engines: the queue (what matches, soonest due first,
// counted by tier, SLA status and severity, never what is hidden from the viewer) and the charts
// (medians and 90th percentiles by week, breaches, ages and patterns, computed in SQL).
import assert from 'node:assert/strict';
import type { Store } from '../../src/app/ports';
import type { Escalation, Person } from '../../src/domain/escalation';
import { timelineKinds } from '../../src/domain/escalation';
import type { Severity, Status, Target } from '../../src/domain/vocabulary';
import { at, briefOf, dana, type Engine, eli, freshStores, postgresEngine, sqliteEngine } from './engines';

const minutes = (n: number) => new Date(Date.parse(at(0)) + n * 60_000).toISOString();
const hiddenSecurity = (viewer?: string) => ({ hidden: ['security' as Target], unlessInvolving: viewer });

function boardContract(engine: Engine) {
  describe(`The board's queries on ${engine.name}`, () => {
    const fresh = freshStores(engine);
    let store: Store;
    beforeEach(() => {
      ({ store } = fresh);
    });

    const create = async (
      fields: { summary?: string; severity?: Severity; target?: Target } = {},
      minute = 0,
      requester: Person = dana,
    ) => (await store.createEscalation({ brief: briefOf(fields), requester, at: minutes(minute) })).escalation;
    /** One change, at a moment, recorded as the use cases record it. */
    const change = async (e: Escalation, kind: string, minute: number, fields: Partial<Escalation>) => {
      const next = { ...e, ...fields, version: e.version + 1, updatedAt: minutes(minute) };
      const saved = await store.saveEscalation(next, e.version, { kind, text: kind, at: minutes(minute), actor: eli });
      assert.ok(saved.saved);
      return saved.escalation;
    };

    it('records SLA statuses, saying which changed what a card shows: never looked at counts as within', async () => {
      const fresh1 = await create({ summary: 'New and within' });
      const fresh2 = await create({ summary: 'New and already at risk' });
      const next = minutes(60);
      const changed = await store.recordSla([
        { escalationId: fresh1.id, status: 'within', nextCheckAt: next },
        { escalationId: fresh2.id, status: 'at_risk', nextCheckAt: next },
      ]);
      assert.deepEqual([...changed], [fresh2.id], 'becoming "within" from never looked at redraws nothing');
      assert.equal((await store.boardQueue({ sla: 'within' }, 10)).total, 1, 'yet it is recorded');
      assert.deepEqual(
        [...(await store.recordSla([{ escalationId: fresh1.id, status: 'at_risk', nextCheckAt: next }]))],
        [fresh1.id],
      );
      assert.equal(
        (await store.recordSla([{ escalationId: fresh1.id, status: 'at_risk', nextCheckAt: next }])).size,
        0,
      );
    });

    it('pages what matches soonest due first, counts all of it, and filters by tier, severity, status, owner, SLA and words', async () => {
      const checkout = await create({ summary: 'Checkout fails for EU customers', severity: 'critical' });
      const export100 = await create({ summary: 'Export at 100% CPU_load', severity: 'high' });
      const billing = await create({ summary: 'Billing address will not save', severity: 'medium', target: 'support' });
      await create({ summary: 'Customer data visible to another tenant', target: 'security' });
      await change(billing, timelineKinds.assigned, 5, { owner: eli });
      await store.recordSla([
        { escalationId: checkout.id, status: 'breached', nextCheckAt: minutes(100) },
        { escalationId: export100.id, status: 'at_risk', nextCheckAt: minutes(50) },
        { escalationId: billing.id, status: 'within', nextCheckAt: minutes(200) },
      ]);

      const seen = await store.boardQueue({ sight: hiddenSecurity('aad-someone') }, 10);
      assert.deepEqual(
        seen.items.map((e) => e.id),
        [export100.id, checkout.id, billing.id],
      );
      assert.equal(seen.total, 3);
      assert.deepEqual(seen.byTier, { engineering: 2, support: 1 });
      assert.deepEqual(seen.bySla, { breached: 1, at_risk: 1, within: 1 });
      assert.deepEqual(seen.bySeverity, { critical: 1, high: 1, medium: 1 });

      assert.equal((await store.boardQueue({ sight: hiddenSecurity(dana.id) }, 10)).total, 4, 'their own');
      assert.equal((await store.boardQueue({}, 10)).total, 4, 'nothing hidden');
      const page = await store.boardQueue({ sight: hiddenSecurity() }, 1);
      assert.equal(page.items.length, 1);
      assert.equal(page.total, 3);

      const ids = async (filter: Parameters<Store['boardQueue']>[0]) =>
        (await store.boardQueue({ sight: hiddenSecurity(), ...filter }, 10)).items.map((e) => e.id);
      assert.deepEqual(await ids({ target: 'support' }), [billing.id]);
      assert.deepEqual(await ids({ severity: 'critical' }), [checkout.id]);
      assert.deepEqual(await ids({ ownerId: eli.id }), [billing.id]);
      assert.deepEqual(await ids({ ownerId: null }), [export100.id, checkout.id]);
      assert.deepEqual(await ids({ involving: eli.id }), [billing.id], 'owned by them');
      assert.equal((await store.boardQueue({ involving: dana.id }, 10)).total, 4, 'raised by them');
      assert.deepEqual(await ids({ involving: '' }), [], 'nobody');
      assert.deepEqual(await ids({ sla: 'breached' }), [checkout.id]);
      assert.deepEqual(await ids({ text: 'eu CUSTOMERS' }), [checkout.id]);
      assert.deepEqual(await ids({ text: '100%' }), [export100.id]);
      assert.deepEqual(await ids({ text: 'cpu_' }), [export100.id]);
      assert.deepEqual(await ids({ text: '%' }), [export100.id], 'a % is a character');
      assert.deepEqual(await ids({ text: 'tenant' }), []);
      assert.deepEqual(await ids({ status: 'resolved' }), []);
      await change(checkout, timelineKinds.resolved, 20, { status: 'resolved' as Status });
      assert.deepEqual(await ids({ status: 'resolved' }), [checkout.id]);
      assert.deepEqual(await ids({}), [export100.id, billing.id], 'open ones only, unless a status is asked for');
    });

    it('charts the medians and 90th percentiles of time to acknowledge and resolve per tier and week, breaches, ages and patterns', async () => {
      // Ten Engineering escalations raised on Saturday 28 November 2026 (the week of Monday the
      // 23rd), acknowledged after 1..10 minutes; two resolved, after 30 and 60 minutes.
      const raised: Escalation[] = [];
      for (let n = 1; n <= 10; n++) {
        const e = await create({ summary: `Engineering ${n}` }, 0);
        const acknowledged = await change(e, timelineKinds.acknowledged, n, { status: 'acknowledged' });
        raised.push(
          n <= 2 ? await change(acknowledged, timelineKinds.resolved, n * 30, { status: 'resolved' }) : acknowledged,
        );
      }
      const support = await create({ target: 'support', severity: 'medium' }, 0);
      const leak = await create({ target: 'security', summary: 'Customer data visible to another tenant' }, 0);
      await change(leak, timelineKinds.acknowledged, 2, { status: 'acknowledged' });
      await store.recordSla([
        { escalationId: support.id, status: 'breached', nextCheckAt: minutes(500) },
        { escalationId: leak.id, status: 'breached', nextCheckAt: minutes(500) },
      ]);
      // Open ones linked as the same issue (the pattern chart counts open escalations).
      const [, , first, second, third] = raised.map((e) => e.id) as [string, string, string, string, string];
      await store.linkEscalations(first, second, minutes(40));
      await store.linkEscalations(first, third, minutes(41));
      await store.linkEscalations(leak.id, support.id, minutes(42));

      const twoDaysLater = new Date(Date.parse(at(0)) + 2 * 86_400_000);
      const charts = await store.boardCharts({ sight: hiddenSecurity() }, minutes(-60), twoDaysLater);
      assert.deepEqual(
        charts.openByTierAndSeverity.sort((a, b) => a.target.localeCompare(b.target)),
        [
          { target: 'engineering', severity: 'high', count: 8 },
          { target: 'support', severity: 'medium', count: 1 },
        ],
      );
      const engineering = charts.timeToAct.find((row) => row.target === 'engineering');
      assert.deepEqual(engineering, {
        target: 'engineering',
        week: '2026-11-23',
        count: 10,
        acknowledgeMedian: 5,
        acknowledgeP90: 9,
        resolveMedian: 30,
        resolveP90: 60,
      });
      assert.deepEqual(
        charts.timeToAct.find((row) => row.target === 'support'),
        {
          target: 'support',
          week: '2026-11-23',
          count: 1,
          acknowledgeMedian: null,
          acknowledgeP90: null,
          resolveMedian: null,
          resolveP90: null,
        },
      );
      assert.deepEqual(charts.breachesPerWeek, [{ week: '2026-11-23', count: 1 }]);
      assert.deepEqual(charts.ageOfOpen, [{ bucket: '1 to 3 days', count: 9 }]);
      assert.deepEqual(charts.patterns[0], { id: first, summary: 'Engineering 3', linked: 2 });
      assert.ok(!JSON.stringify(charts).includes('security') && !JSON.stringify(charts).includes(leak.id));

      const securityToo = await store.boardCharts({}, minutes(-60), twoDaysLater);
      assert.deepEqual(securityToo.breachesPerWeek, [{ week: '2026-11-23', count: 2 }]);
      assert.ok(securityToo.patterns.some((p) => p.id === leak.id));

      const oneTier = await store.boardCharts(
        { target: 'support', sight: hiddenSecurity() },
        minutes(-60),
        twoDaysLater,
      );
      assert.deepEqual(
        oneTier.timeToAct.map((row) => row.target),
        ['support'],
      );
      assert.deepEqual(oneTier.openByTierAndSeverity, [{ target: 'support', severity: 'medium', count: 1 }]);

      // Raised before the window: out of the weekly charts, still in the open ones.
      const later = await store.boardCharts({ sight: hiddenSecurity() }, minutes(60), twoDaysLater);
      assert.deepEqual(later.timeToAct, []);
      assert.deepEqual(later.breachesPerWeek, []);
      assert.equal(later.ageOfOpen[0]?.count, 9);
    });

    it('offers the people who raised or own recent escalations, once each', async () => {
      const e = await create({}, 0, dana);
      await create({}, 1, { id: 'aad-sol', name: 'Sol Security' });
      await change(e, timelineKinds.assigned, 2, { owner: eli });
      const people = await store.recentPeople(10);
      assert.deepEqual(people.map((p) => p.id).sort(), ['aad-dana', 'aad-eli', 'aad-sol']);
      assert.equal(people.find((p) => p.id === 'aad-eli')?.name, 'Eli Engineer');
    });
  });
}

boardContract(sqliteEngine());
boardContract(postgresEngine());
