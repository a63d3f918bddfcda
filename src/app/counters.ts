// What the app counts as it works, for operators (src/http/metrics.ts keeps the counts).
import type { Escalation } from '../domain/escalation';

export interface Counters {
  /** A new escalation, from any surface. */
  escalationCreated(escalation: Escalation): void;
  /** An invoke answered (a card's click by its verb): what it came to and how long it took. */
  invokeAnswered(name: string, outcome: string, seconds: number): void;
}
