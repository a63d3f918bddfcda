// Escalation ids as stored: ESC-12 is row 12.
import { escalationNumber } from '../domain/escalation';

/** ESC-n -> n, or undefined for an id no row can have (malformed, or beyond exact JS numbers). */
export function storedNumber(id: string): number | undefined {
  const n = escalationNumber(id);
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

export function storedNumberOf(id: string, operation: string): number {
  const n = storedNumber(id);
  if (n === undefined) throw new Error(`${operation}: "${id}" is not an escalation id like ESC-12`);
  return n;
}
