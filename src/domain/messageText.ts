// A Teams message's body (messagePayload.body: HTML, or text) as the plain text people read: tags
// dropped, entities decoded, and never markup again. A body is client text of any size: it is cut
// before it is read, and every pattern here scans once (none backtracks on "<<<<" or an open tag).
import { withoutControlCharacters } from './clientText';

/** Longer bodies are read only this far: what is kept of them is far shorter. */
const readAtMost = 100_000;

const named = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
]);

/** The body as text with its line breaks; `contentType` "text" is taken as written. */
export function messageText(content: string, contentType?: string): string {
  const read = content.slice(0, readAtMost);
  const html = contentType === 'html' || (contentType !== 'text' && /<[a-z][^<>]*>/i.test(read));
  const text = html ? htmlToText(read) : read;
  return withoutControlCharacters(wellFormed(text)).trim();
}

function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|h\d|tr)>/gi, '\n')
      .replace(/<[^<>]*>/g, ''),
  ).replace(/\n{3,}/g, '\n\n');
}

/** Decoded after the tags are gone, so an escaped "&lt;b&gt;" stays the text "<b>". */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, name: string) => {
    if (name[0] !== '#') return named.get(name.toLowerCase()) ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** A lone surrogate (half of a character) as the replacement character: databases store text, not halves. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** On one line, at most `max` characters (not cutting a character in two), "…" when cut. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(line[end - 1] ?? '')) end -= 1;
  return `${line.slice(0, end).trimEnd()}…`;
}
