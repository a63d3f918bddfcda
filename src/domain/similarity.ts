// "Possibly the same as ESC-12": which open escalations look like the same problem as a
// new one. The database does the text search (SQLite FTS5 ranking with bm25, PostgreSQL
// full-text search ranking with ts_rank, both stemming English words); this file says what
// text of a brief is searched, which of its words are worth searching for, and when a match
// found by the engine is close enough to show to a person.
//
// What is searched: the summary (weighted most: it is what people write first and read
// first), then the description, the environment and what was expected and what happened
// instead. Steps, what was tried and customer names are left out: they describe the
// agent's work and the customer, not the problem.
//
// When another open escalation is shown as "possibly the same":
// - it mentions one of the same errors: an error code (E1234, ORA-00942, AADSTS50011),
//   a constant-style error (ERR_SSL_PROTOCOL_ERROR), an exception (NullPointerException),
//   an HTTP status (HTTP 502, 503 Service Unavailable), an errno (ECONNRESET), a hex code
//   (0x80070005), or a message quoted word for word (in backticks, or three or more words in
//   double quotes). The same error is the strongest hint there is, however it is worded; or
// - it shares at least 3 of the words that matter, and those are at least a quarter of the
//   new escalation's words that matter (a brief with fewer than 3 of them needs them all).
//   Words that matter leave out everyday English ("the", "since", "after") and words nearly
//   every escalation uses ("customer", "issue", "error", "not working"), so two
//   escalations do not look alike because both are about customers having an issue.
//   Forms of one word count once ("invoice", "invoices"), as the engines stem them alike.
// The engine's rank orders the escalations shown (the closest first); it is not the test
// of "similar", because its scale differs between the engines and grows with the number of
// escalations stored, while "how much of what this escalation says does that one say too"
// reads the same everywhere.

import { withoutControlCharacters } from './clientText';

/** The text of a brief that similarity looks at; a form not yet submitted may lack all but the summary. */
export interface SimilarityText {
  summary: string;
  description?: string;
  environment?: string;
  actual?: string;
  expected?: string;
}

/** What to look for: the words and errors that matter, most telling first. */
export interface SearchTerms {
  /** Lower-cased significant words and version-like numbers ("2.14"): the summary's first, then the most repeated. */
  words: string[];
  /** Lower-cased error strings as written ("err_pdf_render_timeout", "ora-00942", "502", "unable to render page"). */
  errors: string[];
}

/** What the engine reports for one candidate (see Store.findSimilar). */
export interface SimilarityMatch {
  /** The engine's relevance, higher is closer; comparable only within one lookup. */
  rank: number;
  /** How many of the query's words and errors the candidate contains. */
  matched: number;
  /** How many of the query's errors the candidate contains. */
  matchedErrors: number;
}

/**
 * A lookup stays quick and focused. The engine finds and ranks candidates by the errors and
 * the first `rankedWords` words (the summary's, then the most repeated): ranking costs time
 * for every open escalation that shares any of them, and at 100,000 escalations the words
 * further down mostly add escalations that share only a word or two. All `words` count in the
 * rule below.
 */
export const queryLimits = { words: 16, rankedWords: 8, errors: 6 } as const;

/** How much two escalations must share to be shown as possibly the same (see the rule above). */
export const similarityRule = { minSharedWords: 3, minShareOfWords: 0.25 } as const;

/** The significant words and error strings of a brief, most telling first, capped for a lookup. */
/** Of each field, only this much is looked at: a brief's longest field is 2,000 characters. */
const maxLookupText = 4000;

export function searchTerms(text: SimilarityText): SearchTerms {
  // A lookup never fails on what it is given: text from an unsent form may hold anything.
  const fields = [text.summary, text.description, text.environment, text.actual, text.expected].map((field) =>
    typeof field === 'string' ? withoutControlCharacters(field).slice(0, maxLookupText) : '',
  );
  const errors = new Set<string>();
  const rest = fields.map((field) => takeErrors(field, errors));
  const [summary = '', ...details] = rest;

  const summaryWords = significantWords(summary);
  const detailWords = significantWords(details.join('\n'));
  // The detail words, most repeated first (in the whole brief), then in the order written.
  const counts = new Map<string, number>();
  for (const word of [...summaryWords, ...detailWords]) counts.set(foldKey(word), (counts.get(foldKey(word)) ?? 0) + 1);
  const byCount = [...detailWords.entries()]
    .sort(([ai, a], [bi, b]) => (counts.get(foldKey(b)) ?? 0) - (counts.get(foldKey(a)) ?? 0) || ai - bi)
    .map(([, word]) => word);

  const seen = new Set<string>();
  const words: string[] = [];
  for (const word of [...summaryWords, ...byCount]) {
    const key = foldKey(word);
    if (seen.has(key)) continue;
    seen.add(key);
    words.push(word);
  }
  return { words: words.slice(0, queryLimits.words), errors: [...errors].slice(0, queryLimits.errors) };
}

/** True when a candidate the engine found is close enough to show as possibly the same. */
export function isSimilar(match: SimilarityMatch, query: SearchTerms): boolean {
  if (match.rank <= 0 || match.matched <= 0) return false;
  if (match.matchedErrors > 0) return true;
  const sharedWords = match.matched - match.matchedErrors;
  const needed = Math.max(
    Math.min(similarityRule.minSharedWords, query.words.length),
    Math.ceil(similarityRule.minShareOfWords * query.words.length),
  );
  return query.words.length > 0 && sharedWords >= needed;
}

// --- error strings ---------------------------------------------------------------------

/** Each kind of error string people paste, as written in a brief (the case tells them from words). */
const errorPatterns: { pattern: RegExp; minWords: number }[] = [
  // `TypeError: x is undefined`: code or log text in backticks, whatever its length.
  { pattern: /`([^`\n]{2,160})`/g, minWords: 1 },
  // "Unable to render the document": a message quoted word for word; a shorter quote is a
  // button or a menu ("Export PDF"), not a message.
  { pattern: /["“”]([^"“”\n]{3,160})["“”]/g, minWords: 3 },
  // ERR_SSL_PROTOCOL_ERROR, EAI_AGAIN, PDF_RENDER_TIMEOUT
  { pattern: /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, minWords: 1 },
  // NullPointerException, TypeError, SQLIntegrityConstraintViolationException
  { pattern: /\b[A-Z][A-Za-z0-9]*[a-z0-9](?:Exception|Error)\b/g, minWords: 1 },
  // E1234, ORA-00942, AADSTS50011, KB5034441 (never an escalation id like ESC-12)
  { pattern: /\b(?!ESC-)[A-Z]{1,8}-?\d{3,}\b/g, minWords: 1 },
  // ECONNRESET, ETIMEDOUT...
  {
    pattern:
      /\bE(?:CONNRESET|CONNREFUSED|CONNABORTED|TIMEDOUT|NOTFOUND|ADDRINUSE|HOSTUNREACH|NETUNREACH|PIPE|ACCES|PERM|PROTO)\b/g,
    minWords: 1,
  },
  // 0x80070005
  { pattern: /\b0x[0-9A-Fa-f]{4,}\b/g, minWords: 1 },
];

/** HTTP 502, status 503, error 500, 504 Gateway Timeout: the status number is the error string. */
const httpStatusPatterns: RegExp[] = [
  /\b(?:HTTP|status(?: code)?|error|code)[\s/:=]*([1-5]\d\d)\b/gi,
  /\b([45]\d\d)[\s-]+(?:Bad Request|Unauthorized|Forbidden|Not Found|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b/gi,
];

/** Adds the field's error strings to `errors` and returns the field with them blanked out. */
function takeErrors(field: string, errors: Set<string>): string {
  let rest = field;
  for (const { pattern, minWords } of errorPatterns) {
    rest = rest.replace(pattern, (whole: string, inner: unknown) => {
      const text = normalised(typeof inner === 'string' ? inner : whole);
      if ((text.match(wordPattern)?.length ?? 0) < minWords) return whole;
      errors.add(text);
      return ' ';
    });
  }
  for (const pattern of httpStatusPatterns) {
    rest = rest.replace(pattern, (_whole: string, status: string) => {
      errors.add(status);
      return ' ';
    });
  }
  return rest;
}

const normalised = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

// --- words -----------------------------------------------------------------------------

/** A word, or a dotted version number ("2.14.1", "v3.2"). */
const wordPattern = /[\p{L}\p{N}]+(?:\.\p{N}+)*/gu;

/** The significant words of a text, in order, repeats kept (they count). */
function significantWords(text: string): string[] {
  const words: string[] = [];
  for (const token of text.toLowerCase().match(wordPattern) ?? []) {
    if (isSignificant(token)) words.push(token);
  }
  return words;
}

function isSignificant(token: string): boolean {
  if (/^\p{N}+$/u.test(token)) return false; // counts, times, dates, ids: 3 customers, 14:00
  if (/^\p{N}+(?:\.\p{N}+)+$/u.test(token)) return true; // a version: 2.14
  if (token.length < 2) return false;
  return !stopWords.has(token) && !supportWords.has(token);
}

/**
 * One key for the forms of a word that the engines stem alike (invoice, invoices; export,
 * exporting, exported; query, queries), so a lookup does not count one word twice. Only for
 * telling repeats apart: the engines do the real stemming of what is searched.
 */
function foldKey(word: string): string {
  let key = word;
  if (/\p{N}/u.test(key)) return key;
  if (key.length > 4 && key.endsWith('ies')) key = `${key.slice(0, -3)}y`;
  else if (key.length > 5 && key.endsWith('ing')) key = key.slice(0, -3);
  else if (key.length > 4 && key.endsWith('ed')) key = key.slice(0, -2);
  else if (key.length > 3 && key.endsWith('s') && !/(ss|us|is)$/.test(key)) key = key.slice(0, -1);
  return key.length > 3 && key.endsWith('e') ? key.slice(0, -1) : key;
}

/**
 * Everyday English. PostgreSQL's 'english' configuration drops its own list (all of which is
 * here, so both engines count the same words), and more words that say nothing about a problem.
 */
const stopWords = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
  herself it its itself they them their theirs themselves what which who whom this that these those am is are
  was were be been being have has had having do does did doing a an the and but if or because as until while of
  at by for with about against between into through during before after above below to from up down in out on
  off over under again further then once here there when where why how all any both each few more most other
  some such no nor not only own same so than too very s t can will just don should now
  doesn didn isn aren wasn weren hasn haven hadn won wouldn couldn shouldn ll ve re
  also us via per etc eg ie without within get gets got getting gotten would could might must may shall cannot
  since still yet even though although however already ever never always often sometimes anyone someone
  anything something everything nothing everyone one two three first last new like see seen sees seeing
  saw make makes made go goes went going come comes came know knows knew want wants need needs needed let
  lets try tries tried trying said says say tell told use uses used using way thing things lot lots many much
  every show shows showed shown showing look looks looking seem seems appear appears notice noticed start starts
  started give gives gave given fine ok okay`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words nearly every escalation uses, which would make any two look alike: who is affected
 * (customer, client, user, account holder), that something is wrong (issue, problem, error,
 * bug, broken, not working, fails), and the agent's own work (ticket, case, escalation,
 * reported, please, help, urgent). Kept on purpose: product and feature words (account,
 * invoice, export, login), symptoms that tell problems apart (empty, slow, timeout, blank,
 * duplicate) and regions and platforms (EU, iOS, Chrome).
 */
const supportWords = new Set(
  `esc customer customers client clients user users people person someone team teams
  issue issues problem problems error errors bug bugs broken fail fails failed failing failure failures
  work works worked working wrong correctly properly happen happens happened happening
  ticket tickets case cases escalation escalations escalate escalated reported reporting
  please help urgent asap today yesterday tomorrow week weeks day days hour hours minute minutes time times
  able unable anymore expected actual instead behaviour behavior result results affect affects affected
  impact impacts impacted production prod staging environment web app application version latest browser`
    .split(/\s+/)
    .filter(Boolean),
);
