// What clients send, as the rules take it in and as messages name it: numbers are decimal,
// dates are real, text holds no control characters, and a value is never stringified whole
// into a message (an object's own toString may be anything, a string may be megabytes).

/** C0 controls and DEL, but tab, line feed and carriage return: no person types them, PostgreSQL refuses NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const hasControlCharacters = (text: string) => controlCharacters.test(text);

/** The same text without them (for search lookups, which must never fail on what they are given). */
export const withoutControlCharacters = (text: string) => text.replace(new RegExp(controlCharacters, 'g'), ' ');

/** A value as a message may name it: a short quoted text, a number, or what kind of thing it is. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') {
    const clean = withoutControlCharacters(value);
    return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * A whole number written in decimal digits ("12", not "0x10", "1e3" or "12.0"), as a card
 * submits it; other strings become NaN (refused by the schema); numbers pass as they are.
 */
export function decimalNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return undefined;
  return /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
}

/** A real calendar date written YYYY-MM-DD: 2026-02-30 is not one. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A field a client's object holds itself, else undefined: never one every object inherits
 * (`constructor`, `toString`), and nothing of a value that is no object.
 */
export function ownField(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
