// "Possibly the same as ESC-12, ESC-19": the open escalations that look like the same problem
// as a brief, shown on the form before it is submitted and on the posted card.
import type { AccessFacts, Sight } from '../domain/access';
import type { Brief } from '../domain/brief';
import { isSimilar, type SimilarityText, searchTerms } from '../domain/similarity';
import type { EscalationStore } from './ports';

/** At most this many are shown: past five, people stop reading and the card grows. */
export const maxSimilarShown = 5;

/** The engine ranks more than are shown, since some of its best may not pass isSimilar. */
const candidatesLooked = 20;

export interface SimilarEscalation extends AccessFacts {
  id: string;
  summary: string;
}

/** The text of a brief that similarity looks at. */
export function similarityTextOf(brief: Brief): SimilarityText {
  return {
    summary: brief.summary,
    description: brief.description,
    environment: brief.reproduction.environment,
    actual: brief.reproduction.actual,
    expected: brief.reproduction.expected,
  };
}

/**
 * At most five open escalations similar to `brief` (a stored brief, or the text of a form not
 * yet submitted), most similar first, of those `sight` lets the person shown them see; never
 * `excludeId` (the escalation itself).
 */
export async function similarOpenEscalations(
  store: Pick<EscalationStore, 'findSimilar'>,
  brief: Brief | SimilarityText,
  sight: Sight,
  excludeId?: string,
): Promise<SimilarEscalation[]> {
  const text = 'reproduction' in brief ? similarityTextOf(brief) : brief;
  const query = searchTerms(text);
  if (query.words.length === 0 && query.errors.length === 0) return [];
  const candidates = await store.findSimilar(query, { excludeId, openOnly: true, limit: candidatesLooked, sight });
  return candidates
    .filter((candidate) => isSimilar(candidate, query))
    .slice(0, maxSimilarShown)
    .map(({ id, summary, target, requesterId, ownerId }) => ({ id, summary, target, requesterId, ownerId }));
}
