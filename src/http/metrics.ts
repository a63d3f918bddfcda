// Prometheus metrics (prom-client), scraped at /metrics: Node's own process metrics, and what an
// operator of Escalation Desk watches: requests, card clicks by verb and outcome and how long they
// took, deliveries by kind and result, the outbox's depth and its oldest row's age, Teams' 429s,
// SLA reminders and raises, emails sent.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Counters } from '../app/counters';
import type { Escalation } from '../domain/escalation';

/** What the outbox holds now, asked at each scrape. */
export interface OutboxState {
  pending: number;
  failed: number;
  /** Seconds since the oldest row still to be sent was queued (0: none). */
  oldestPendingSeconds: number;
}

export class Metrics implements Counters {
  readonly registry = new Registry();
  private readonly on = { registers: [this.registry] };

  readonly httpRequests = this.counter('http_requests_total', 'HTTP requests answered, by route, method and status', [
    'route',
    'method',
    'status',
  ]);
  readonly escalationsCreated = this.counter(
    'escalations_created_total',
    'Escalations created, by target and severity',
    ['target', 'severity'],
  );
  readonly invokes = new Histogram({
    name: 'escalation_desk_invoke_duration_seconds',
    help: 'Card clicks and other invokes answered, by verb (or invoke name) and outcome, and how long each took',
    labelNames: ['verb', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    ...this.on,
  });
  readonly deliveries = this.counter(
    'deliveries_total',
    'Card posts, updates, replies and emails tried, by kind and result (sent, retried, failed)',
    ['kind', 'result'],
  );
  readonly throttled = this.counter(
    'throttled_total',
    '429 (too many requests) answers received, by kind of delivery',
    ['kind'],
  );
  readonly slaReminders = this.counter(
    'sla_reminders_total',
    'SLA reminders queued in cards’ threads (a clock coming due or breached)',
  );
  readonly slaRaises = this.counter('sla_raises_total', 'Escalations raised to Leadership by the SLA watcher');
  readonly emailsSent = this.counter('emails_sent_total', 'Emails of briefs sent (or written as files in local mode)');

  /** A counter of this registry, named escalation_desk_<name>. */
  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `escalation_desk_${name}`, help, labelNames, ...this.on });
  }

  constructor(outbox?: () => Promise<OutboxState>) {
    collectDefaultMetrics({ register: this.registry });
    if (!outbox) return;
    // One look at the outbox serves the three gauges of a scrape.
    let asked: Promise<OutboxState> | undefined;
    const state = () => {
      asked ??= outbox().finally(() => setImmediate(() => (asked = undefined)));
      return asked;
    };
    new Gauge({
      name: 'escalation_desk_deliveries_pending',
      help: 'Card posts, updates, replies and emails waiting to be sent (the outbox’s depth)',
      async collect() {
        this.set((await state()).pending);
      },
      ...this.on,
    });
    new Gauge({
      name: 'escalation_desk_deliveries_failed',
      help: 'Card posts, updates, replies and emails given up on',
      async collect() {
        this.set((await state()).failed);
      },
      ...this.on,
    });
    new Gauge({
      name: 'escalation_desk_outbox_oldest_pending_seconds',
      help: 'Age of the oldest delivery still waiting to be sent (0 when none waits)',
      async collect() {
        this.set((await state()).oldestPendingSeconds);
      },
      ...this.on,
    });
  }

  escalationCreated(escalation: Escalation): void {
    this.escalationsCreated.inc({ target: escalation.brief.target, severity: escalation.brief.severity });
  }

  invokeAnswered(name: string, outcome: string, seconds: number): void {
    this.invokes.observe({ verb: name, outcome }, seconds);
  }

  /** The exposition, Prometheus' text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
