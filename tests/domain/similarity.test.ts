import assert from 'node:assert/strict';
import { isSimilar, queryLimits, type SearchTerms, searchTerms } from '../../src/domain/similarity';

describe('similarity: what a brief is searched for', () => {
  it('takes the significant words of the summary first, lower-cased, without everyday and support words', () => {
    const terms = searchTerms({ summary: 'The customer cannot export their invoices to PDF since 2.14' });
    assert.deepEqual(terms, { words: ['export', 'invoices', 'pdf', '2.14'], errors: [] });
  });

  it('keeps versions and codes made of letters and digits, and drops bare numbers (counts, times, dates)', () => {
    const terms = searchTerms({
      summary: 'Upload to S3 fails on v3.2 and 2.14.1',
      description: '3 customers since 14:00 on 2026-11-27, UTF8 names, 40 seconds',
    });
    assert.deepEqual(terms.words, ['upload', 's3', 'v3.2', '2.14.1', 'utf8', 'names', 'seconds']);
  });

  it('puts the details after the summary, the words repeated most first, each word once in any form', () => {
    const terms = searchTerms({
      summary: 'Invoice totals doubled',
      description: 'Webhook payload is signed twice. The webhooks retry, and every retry repeats the invoices.',
      environment: 'EU-West',
    });
    assert.deepEqual(terms.words, [
      'invoice',
      'totals',
      'doubled',
      'webhook',
      'retry',
      'payload',
      'signed',
      'twice',
      'repeats',
      'eu',
      'west',
    ]);
  });

  it('reads the description, the environment, what happened and what was expected', () => {
    const terms = searchTerms({
      summary: 'Blank export',
      description: 'Reconciliation',
      environment: 'Safari',
      expected: 'Ledger',
      actual: 'Spinner',
    });
    assert.deepEqual(terms.words, ['blank', 'export', 'reconciliation', 'safari', 'spinner', 'ledger']);
  });

  it('finds nothing worth searching in a brief made of common words', () => {
    assert.deepEqual(searchTerms({ summary: 'The customer has an issue, please help ASAP' }), {
      words: [],
      errors: [],
    });
  });

  // Each error string as people paste it, and what is searched for.
  const errorStrings: [string, string][] = [
    ['Render fails with E1234', 'e1234'],
    ['Chrome shows ERR_SSL_PROTOCOL_ERROR', 'err_ssl_protocol_error'],
    ['Worker dies with NullPointerException', 'nullpointerexception'],
    ['The SPA throws a TypeError on save', 'typeerror'],
    ['Gateway answers HTTP 502', '502'],
    ['Upload ends in status 413', '413'],
    ['The API says 503 Service Unavailable', '503'],
    ['Report job fails: ORA-00942', 'ora-00942'],
    ['Sign-in fails with AADSTS50011', 'aadsts50011'],
    ['Install stops at 0x80070005', '0x80070005'],
    ['Webhook calls end in ECONNRESET', 'econnreset'],
    ['Log says `render timed out after 30s`', 'render timed out after 30s'],
    ['Users see "Unable to generate the document"', 'unable to generate the document'],
    ['Users see “Your session has expired”', 'your session has expired'],
  ];
  for (const [summary, error] of errorStrings) {
    it(`counts "${error}" in "${summary}" as an error string`, () => {
      assert.deepEqual(searchTerms({ summary }).errors, [error]);
    });
  }

  it('does not search for the words of an error string again', () => {
    const terms = searchTerms({ summary: 'Receipts missing', description: 'The job logs ERR_PDF_RENDER_TIMEOUT.' });
    assert.deepEqual(terms, { words: ['receipts', 'missing', 'job', 'logs'], errors: ['err_pdf_render_timeout'] });
  });

  it('takes a short quote for a button, not a message, and an escalation id for neither', () => {
    const terms = searchTerms({ summary: 'Clicking "Export PDF" does nothing, like ESC-12' });
    assert.deepEqual(terms, { words: ['clicking', 'export', 'pdf'], errors: [] });
  });

  it('keeps a lookup focused: at most 16 words and 6 error strings', () => {
    const many = Array.from({ length: 30 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ');
    const errors = Array.from({ length: 9 }, (_, i) => `E10${i}0`).join(' ');
    const terms = searchTerms({ summary: 'Several widgets', description: `${many} ${errors}` });
    assert.equal(terms.words.length, queryLimits.words);
    assert.deepEqual(terms.words.slice(0, 2), ['several', 'widgets']);
    assert.deepEqual(terms.errors, ['e1000', 'e1010', 'e1020', 'e1030', 'e1040', 'e1050']);
  });
});

describe('similarity: when an escalation is shown as possibly the same', () => {
  const query = (words: number, errors = 0): SearchTerms => ({
    words: Array.from({ length: words }, (_, i) => `w${i}`),
    errors: Array.from({ length: errors }, (_, i) => `e${i}`),
  });

  // [why, words in the new escalation, its errors, words shared, errors shared, engine rank, similar?]
  const table: [string, number, number, number, number, number, boolean][] = [
    ['the same error string, nothing else in common', 16, 1, 0, 1, 0.1, true],
    ['the same error string in a brief of few words', 2, 1, 0, 1, 0.1, true],
    ['4 of 16 words: a quarter', 16, 0, 4, 0, 2, true],
    ['3 of 16 words: less than a quarter', 16, 0, 3, 0, 2, false],
    ['3 of 12 words: a quarter', 12, 0, 3, 0, 2, true],
    ['2 of 8 words: fewer than 3', 8, 0, 2, 0, 2, false],
    ['3 of 8 words', 8, 0, 3, 0, 2, true],
    ['3 of 3 words', 3, 0, 3, 0, 2, true],
    ['2 of 2 words: a short brief needs all of them', 2, 0, 2, 0, 2, true],
    ['1 of 2 words', 2, 0, 1, 0, 2, false],
    ['10 of 16 words but an error of the new one missing: the words decide', 16, 1, 10, 0, 5, true],
    ['1 of 16 words and a different error', 16, 2, 1, 0, 0.5, false],
    ['nothing shared', 16, 0, 0, 0, 0, false],
    ['the engine found no relevance', 4, 0, 4, 0, 0, false],
  ];
  for (const [why, words, errors, sharedWords, sharedErrors, rank, similar] of table) {
    it(`${why} -> ${similar ? 'similar' : 'not similar'}`, () => {
      const match = { rank, matched: sharedWords + sharedErrors, matchedErrors: sharedErrors };
      assert.equal(isSimilar(match, query(words, errors)), similar);
    });
  }
});
