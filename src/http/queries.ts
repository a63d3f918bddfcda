// What a query string may say, read the same way by every route.
import { z } from 'zod';
import { decimalNumber } from '../domain/clientText';

/** `name` as a whole number from `min` to `most`, `fallback` when not given. */
export function wholeNumber(name: string, min: number, most: number, fallback: number) {
  const message = `${name} must be a whole number from ${min} to ${most}`;
  return z.preprocess(
    decimalNumber,
    z.number({ error: message }).int(message).min(min, message).max(most, message).default(fallback),
  );
}

/** One of `values`, or not given. */
export function oneOf<T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: `${name} must be one of ${values.join(', ')}` }).optional();
}
