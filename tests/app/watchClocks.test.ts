// One SLA sweep over many escalations that came due, against a real SQLite store (which answers
// synchronously): it raises them, and lets other work in while it does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Store, systemClock } from '../../src/app/ports';
import { sweepClocks, sweepSlice } from '../../src/app/watchClocks';
import { parseBrief } from '../../src/domain/brief';
import { defaultSlaPolicy } from '../../src/domain/slaPolicy';
import { openStore } from '../../src/store/openStore';
import { minimalForm } from '../support/briefs';

describe('An SLA sweep', () => {
  let folder: string;
  let store: Store;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'escalation-desk-sweep-'));
    store = await openStore(`sqlite:${join(folder, 'escalations.db')}`);
  });
  after(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('over 200 breached Critical escalations raises each to Leadership, letting other work in as it goes', async () => {
    const parsed = parseBrief({ ...minimalForm, severity: 'critical' });
    assert.ok(parsed.ok);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (let n = 0; n < 200; n++) {
      await store.createEscalation({ brief: parsed.value, requester: { name: 'Dana Agent' }, at: twoDaysAgo });
    }
    let raisedWhenOthersRan = -1;
    let raised = 0;
    const logged: string[] = [];
    // What a waiting HTTP request would be: work queued for the event loop's next turn.
    setImmediate(() => {
      raisedWhenOthersRan = logged.filter((line) => line.includes('raised to Leadership')).length;
    });
    const report = await sweepClocks({
      store,
      clock: systemClock,
      slaPolicy: defaultSlaPolicy,
      access: { leadershipSeesSecurity: false },
      deliverSoon: () => {},
      log: (line) => logged.push(line),
    });
    raised = report.raised;
    assert.equal(report.checked, 200);
    assert.equal(raised, 200);
    assert.ok(
      raisedWhenOthersRan >= 0 && raisedWhenOthersRan <= sweepSlice,
      `other work waited until ${raisedWhenOthersRan < 0 ? 'all' : raisedWhenOthersRan} of 200 were raised`,
    );
  });
});
