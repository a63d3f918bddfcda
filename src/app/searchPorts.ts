// What "Find an escalation" (app/findEscalations.ts) asks of the store: one search over what the
// person may see, by id, by customer, by words, by tier, status and severity (src/store/findEscalations.ts).
import type { Sight } from '../domain/access';
import type { Escalation } from '../domain/escalation';
import type { SearchTerms } from '../domain/similarity';
import type { Severity, Status, Target } from '../domain/vocabulary';

/** A page of results holds at most this many: what Teams asks for at most (queryOptions.count). */
export const mostFoundAtOnce = 25;

/** Words to find: the significant words and errors of what was typed (domain/similarity.ts searchTerms). */
export interface FindWords extends SearchTerms {
  /** One of `words` still being typed (the last typed, no space after it): any word it begins matches. */
  partial?: string;
}

export interface FindFilter {
  /** ESC-12: that one only. */
  id?: string;
  /** A customer's name as the brief names it, or its start, in any case. */
  customer?: string;
  /** Every one of these words and errors in the summary or the details (as the look-alike search reads them). */
  words?: FindWords;
  target?: Target;
  status?: Status;
  /** Not resolved or closed. */
  open?: boolean;
  severity?: Severity;
  /** What the person searching may see (domain/access.ts sightOf): nothing else is found. */
  sight: Sight;
  /** The person searching (Entra object id): with no words, their own open ones come first. */
  personId?: string;
  /** How many of the matches to pass over (the pages already shown). */
  skip: number;
  /** How many to give, at most mostFoundAtOnce. */
  count: number;
}

export interface EscalationSearch {
  /**
   * A page of the escalations matching every part of the filter that the sight lets the person see.
   * With words: the best match first (the engine's rank, the summary counting most). Without: the
   * person's own open ones ("mine": raised, owned or followed), then the rest, each soonest due (the
   * next SLA check), those never due (resolved, closed) newest first.
   */
  findEscalations(filter: FindFilter): Promise<Escalation[]>;
}
