// "Find an escalation" (the message extension's search command, and Microsoft 365 Copilot asking
// through it): reads the query as Teams and Copilot send it, searches what the person may see
// (the access policy's sight, as the board does) and gives each result with the person as its
// viewer, for its card. Copilot fills parameters as it understood the question: any of them may
// be empty, null, a number, a list or a name we do not know. None of that fails: what is not a
// known parameter is ignored, and a tier, status or severity we cannot read is answered with a
// sentence saying what we take.
import { ownField, withoutControlCharacters } from '../domain/clientText';
import type { Escalation, Person } from '../domain/escalation';
import { searchTerms } from '../domain/similarity';
import { targetLabels, targetNamed, targets } from '../domain/tiers';
import {
  oneOf,
  type Severity,
  type Status,
  severities,
  severityLabels,
  statuses,
  statusLabels,
} from '../domain/vocabulary';
import { type AccessDeps, type KnownViewer, sightFor, viewerOf, viewerOn } from './access';
import { type EscalationSearch, type FindFilter, type FindWords, mostFoundAtOnce } from './searchPorts';

export type FindDeps = AccessDeps & { store: EscalationSearch };

/** A result and its reader: the card is drawn for them. */
export interface Found {
  escalation: Escalation;
  known: KnownViewer;
}

export type FindOutcome = { found: Found[] } | { unreadable: string };

/** The command's parameters (appPackage/manifest.json, findEscalation). */
const parameterNames = ['query', 'customer', 'tier', 'status', 'severity'] as const;
type ParameterName = (typeof parameterNames)[number];
type Asked = Partial<Record<ParameterName, string>>;

/** Longer text than this is cut: nobody types more into a search box, and Copilot's words come first. */
const mostTyped = 200;
/** Deeper than this no page is given (Teams asks 25 at a time as the person scrolls). */
const deepestSkip = 10_000;

export async function findEscalations(deps: FindDeps, person: Person, request: unknown): Promise<FindOutcome> {
  const asked = parametersOf(ownField(request, 'parameters'));
  const filters = filtersOf(asked);
  if (typeof filters === 'string') return { unreadable: filters };
  const { viewer } = await viewerOf(deps, person);
  const filter: FindFilter = {
    ...filters,
    ...pageOf(ownField(request, 'queryOptions')),
    sight: sightFor(deps, viewer),
    ...(viewer.id ? { personId: viewer.id } : {}),
  };
  const escalations = await search(deps, filter, asked);
  const found = await Promise.all(
    escalations.map(async (escalation) => ({ escalation, known: await viewerOn(deps, person, escalation) })),
  );
  return { found };
}

/**
 * Words typed in the search box may be a customer's name (the box is all the message box shows):
 * that customer's escalations come first, then those whose words match, each once. Not when a
 * customer was asked for as well.
 */
async function search(deps: FindDeps, filter: FindFilter, asked: Asked): Promise<Escalation[]> {
  const found = await deps.store.findEscalations(filter);
  if (!filter.words || asked.customer || !asked.query) return found;
  const { words: _words, skip, ...rest } = filter;
  const customers = await deps.store.findEscalations({
    ...rest,
    skip: 0,
    count: mostFoundAtOnce,
    customer: asked.query,
  });
  const first = new Set(customers.map((escalation) => escalation.id));
  const others = found.filter((escalation) => !first.has(escalation.id));
  // Later pages are the words' alone: the customer's were all on the first.
  return skip === 0 ? [...customers, ...others].slice(0, filter.count) : others;
}

/** The known parameters' values as text (the first given of each); anything else is left out. */
function parametersOf(parameters: unknown): Asked {
  const asked: Asked = {};
  if (!Array.isArray(parameters)) return asked;
  for (const parameter of parameters.slice(0, 20)) {
    const name = ownField(parameter, 'name');
    const value = textOf(ownField(parameter, 'value'));
    if (!isParameterName(name) || value === undefined || asked[name] !== undefined) continue;
    asked[name] = value;
  }
  return asked;
}

const isParameterName = (name: unknown): name is ParameterName =>
  typeof name === 'string' && (parameterNames as readonly string[]).includes(name);

/** A value as text: a string or a number, or a list of one of them; nothing for the rest or for blank text. */
function textOf(value: unknown): string | undefined {
  const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
  const text = typeof one === 'number' && Number.isFinite(one) ? String(one) : typeof one === 'string' ? one : '';
  const clean = withoutControlCharacters(text).slice(0, mostTyped).trim();
  return clean === '' ? undefined : clean;
}

/** Which page: Teams' queryOptions, whatever it holds. */
function pageOf(options: unknown): Pick<FindFilter, 'skip' | 'count'> {
  const whole = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined);
  const count = whole(ownField(options, 'count'));
  const skip = whole(ownField(options, 'skip'));
  return {
    skip: Math.min(Math.max(skip ?? 0, 0), deepestSkip),
    count: count !== undefined && count > 0 ? Math.min(count, mostFoundAtOnce) : mostFoundAtOnce,
  };
}

type Filters = Omit<FindFilter, 'sight' | 'personId' | 'skip' | 'count'>;

/** What was asked, as the store's filter; or a sentence saying which value we cannot read. */
function filtersOf(asked: Asked): Filters | string {
  const filters: Filters = {};
  if (asked.tier !== undefined) {
    const target = targetNamed(asked.tier);
    if (!target) return `“${asked.tier}” is not a tier: name ${oneOf(targets.map((t) => targetLabels[t]))}.`;
    filters.target = target;
  }
  if (asked.status !== undefined) {
    const status = statusNamed(asked.status);
    if (!status)
      return `“${asked.status}” is not a status: name ${oneOf(['Open', ...statuses.map((s) => statusLabels[s])])}.`;
    Object.assign(filters, status === 'open' ? { open: true } : { status });
  }
  if (asked.severity !== undefined) {
    const severity = severityNamed(asked.severity);
    if (!severity)
      return `“${asked.severity}” is not a severity: name ${oneOf(severities.map((s) => severityLabels[s]))}.`;
    filters.severity = severity;
  }
  if (asked.customer !== undefined) filters.customer = asked.customer;
  return { ...filters, ...queryOf(asked) };
}

/** The search box: an escalation's id (ESC-12, esc-12, 12), else its words, less those the other parameters say. */
function queryOf(asked: Asked): Pick<FindFilter, 'id' | 'words'> {
  const typed = asked.query;
  if (typed === undefined) return {};
  const id = idIn(typed);
  if (id) return { id };
  const terms = searchTerms({ summary: typed });
  const saidElsewhere = new Set(
    [asked.customer, asked.tier, asked.status, asked.severity].flatMap(
      (value) => searchTerms({ summary: value ?? '' }).words,
    ),
  );
  const words = terms.words.filter((word) => !saidElsewhere.has(word));
  if (words.length === 0 && terms.errors.length === 0) return {};
  const last = /[\p{L}\p{N}]+$/u.exec(typed)?.[0]?.toLowerCase();
  const found: FindWords = { words, errors: terms.errors, ...(last && words.includes(last) ? { partial: last } : {}) };
  return { words: found };
}

/** "ESC-12", "esc 12", "12" alone; or one escalation's id in a question ("What is the status of ESC-12?"). */
function idIn(typed: string): string | undefined {
  const alone = /^(?:esc[-\s]?)?0*(\d{1,15})$/i.exec(typed);
  const named = [...typed.matchAll(/\besc-0*(\d{1,15})\b/gi)];
  const n = alone?.[1] ?? (named.length === 1 ? named[0]?.[1] : undefined);
  return n !== undefined && Number(n) > 0 ? `ESC-${Number(n)}` : undefined;
}

/** How people and Copilot write a value: any case, spaces, underscores or hyphens between words. */
const folded = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

/** A status by its id or its label ("Waiting on customer"), or "open": any status but resolved and closed. */
function statusNamed(text: string): Status | 'open' | undefined {
  const said = folded(text);
  if (said === 'open' || said === 'still open' || said === 'opened') return 'open';
  return statuses.find((status) => folded(status) === said || folded(statusLabels[status]) === said);
}

function severityNamed(text: string): Severity | undefined {
  const said = folded(text);
  return severities.find((severity) => severity === said || folded(severityLabels[severity]) === said);
}
