import assert from 'node:assert/strict';
import { parseBrief } from '../../src/domain/brief';
import type { Escalation, TimelineEntry } from '../../src/domain/escalation';
import { slaState } from '../../src/domain/sla';
import { defaultSlaPolicy } from '../../src/domain/slaPolicy';
import type { Severity, SlaStatus, Status } from '../../src/domain/vocabulary';
import { minimalForm } from '../support/briefs';

const start = Date.parse('2026-11-28T08:00:00Z');
const minutes = (m: number) => new Date(start + m * 60_000).toISOString();

function escalation(severity: Severity, status: Status, extra: Record<string, string> = {}): Escalation {
  const parsed = parseBrief({ ...minimalForm, severity, ...extra });
  assert.ok(parsed.ok);
  return {
    id: 'ESC-1',
    brief: parsed.value,
    status,
    requester: { name: 'Dana' },
    version: 1,
    createdAt: minutes(0),
    updatedAt: minutes(0),
  };
}

/** [minute, kind, status after] */
type Step = [number, string, Status];
const entries = (steps: Step[]): TimelineEntry[] =>
  [[0, 'created', 'new'] as Step, ...steps].map(([m, kind, status], i) => ({
    escalationId: 'ESC-1',
    version: i + 1,
    at: minutes(m),
    actor: { name: 'x' },
    kind,
    text: kind,
    status,
  }));

describe('SLA clocks', () => {
  // Critical: ack 15 min, customer update every 1 h, resolve 4 h. High: 1 h, 4 h, 1 day.
  const table: [string, Severity, Status, Step[], number, SlaStatus, string | undefined][] = [
    ['a new critical escalation, 5 min old', 'critical', 'new', [], 5, 'within', 'ack due in 10 min'],
    ['a new critical escalation at 80% of its ack time', 'critical', 'new', [], 12, 'at_risk', 'ack due in 3 min'],
    [
      'a critical escalation nobody acknowledged for 20 min',
      'critical',
      'new',
      [],
      20,
      'breached',
      'ack overdue by 5 min',
    ],
    [
      'acknowledged in time, customer update coming due',
      'critical',
      'acknowledged',
      [[5, 'acknowledged', 'acknowledged']],
      50,
      'at_risk',
      'customer update due in 10 min',
    ],
    [
      'a customer update restarts its clock',
      'critical',
      'investigating',
      [
        [5, 'assigned', 'acknowledged'],
        [55, 'customer_update', 'investigating'],
      ],
      70,
      'within',
      'customer update due in 45 min',
    ],
    [
      'acknowledged late stays breached',
      'critical',
      'investigating',
      [[30, 'acknowledged', 'acknowledged']],
      31,
      'breached',
      'customer update due in 29 min',
    ],
    [
      'resolved in time: every clock met',
      'high',
      'resolved',
      [
        [10, 'assigned', 'acknowledged'],
        [120, 'resolved', 'resolved'],
      ],
      5000,
      'within',
      undefined,
    ],
    [
      'resolved after its resolve time',
      'critical',
      'resolved',
      [
        [5, 'assigned', 'acknowledged'],
        [50, 'customer_update', 'investigating'],
        [100, 'customer_update', 'investigating'],
        [150, 'customer_update', 'investigating'],
        [200, 'customer_update', 'investigating'],
        [250, 'resolved', 'resolved'],
      ],
      300,
      'breached',
      undefined,
    ],
    [
      'waiting on the customer pauses update and resolve',
      'high',
      'waiting_on_customer',
      [
        [10, 'assigned', 'acknowledged'],
        [60, 'status_changed', 'waiting_on_customer'],
      ],
      60 * 23,
      'within',
      'clocks paused: waiting on the customer',
    ],
    [
      'the pause ends when the customer answers',
      'high',
      'investigating',
      [
        [10, 'assigned', 'acknowledged'],
        [60, 'status_changed', 'waiting_on_customer'],
        [600, 'status_changed', 'investigating'],
      ],
      600 + 60,
      'within',
      'customer update due in 2 h',
    ],
    [
      'reopened two days after it was resolved: the time resolved does not count',
      'high',
      'investigating',
      [
        [10, 'assigned', 'acknowledged'],
        [120, 'resolved', 'resolved'],
        [3000, 'reopened', 'investigating'],
      ],
      3030,
      'within',
      'customer update due in 1 h 30 min',
    ],
    [
      'closed, then reopened: the time closed does not count either',
      'critical',
      'acknowledged',
      [
        [5, 'assigned', 'acknowledged'],
        [30, 'resolved', 'resolved'],
        [40, 'status_changed', 'closed'],
        [5000, 'reopened', 'acknowledged'],
      ],
      5010,
      'within',
      'customer update due in 20 min',
    ],
    [
      'a high escalation a day and a half old, never paused',
      'high',
      'investigating',
      [
        [10, 'assigned', 'acknowledged'],
        [200, 'customer_update', 'investigating'],
        [440, 'customer_update', 'investigating'],
        [680, 'customer_update', 'investigating'],
        [920, 'customer_update', 'investigating'],
        [1160, 'customer_update', 'investigating'],
        [1400, 'customer_update', 'investigating'],
      ],
      1500,
      'breached',
      'resolution overdue by 1 h',
    ],
  ];

  for (const [name, severity, status, steps, at, expected, next] of table) {
    it(`${name}: ${expected}${next ? `, ${next}` : ''}`, () => {
      const state = slaState(
        escalation(severity, status),
        entries(steps),
        new Date(start + at * 60_000),
        defaultSlaPolicy,
      );
      assert.equal(state.status, expected);
      assert.equal(state.next, next);
    });
  }

  it("reminds of the deadline of what's needed without making it the SLA", () => {
    const state = slaState(
      escalation('medium', 'investigating', { deadlineDate: '2026-11-28', deadlineTime: '09:00' }),
      entries([[5, 'assigned', 'acknowledged']]),
      new Date(start + 70 * 60_000),
      defaultSlaPolicy,
    );
    const deadline = state.clocks.find((c) => c.clock === 'deadline');
    assert.equal(deadline?.status, 'breached');
    assert.equal(deadline?.dueAt, '2026-11-28T09:00:00.000Z');
    assert.equal(state.status, 'within');
  });
});
