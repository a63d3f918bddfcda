// Wall-clock times in a person's time zone, as moments: "17:00 on 30 November" typed by an
// agent in New York is 22:00 UTC. Zones are IANA names (what Teams sends as the activity's
// localTimezone) or fixed offsets ("+02:00", what an ISO-8601 date-time carries). Pure: the
// zone rules come with the runtime (Intl).

/** A zone the runtime knows, or undefined (an unknown name is never guessed at). */
export function knownTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return undefined;
  if (fixedOffset(zone) !== undefined) return zone;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "+02:00" -> 120, "Z" -> 0 (minutes east of UTC); undefined for a zone name. */
function fixedOffset(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'UTC') return 0;
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return minutes > 14 * 60 ? undefined : match[1] === '-' ? -minutes : minutes;
}

/** The zone's offset from UTC (minutes east) at a moment. */
function offsetAt(moment: number, zone: string): number {
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return fixed;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(moment))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((wall - Math.floor(moment / 1000) * 1000) / 60_000);
}

/** The moment a wall-clock date ("2026-11-30") and time ("17:00") name in a zone, as UTC ISO. */
export function zonedMoment(date: string, time: string, zone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || !clock) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(clock[1]), Number(clock[2]));
  // The offset where the moment falls (twice: a change of offset, as at a DST switch, moves it).
  let moment = wall - offsetAt(wall, zone) * 60_000;
  moment = wall - offsetAt(moment, zone) * 60_000;
  return Number.isNaN(moment) ? undefined : new Date(moment).toISOString();
}

/**
 * An ISO-8601 date-time with its offset ("2026-11-30T17:00:00-05:00", "…Z"): the wall-clock
 * date and time as written, the offset as the zone, and the moment. Undefined when it is not one.
 */
export function dateTimeWithOffset(
  text: string,
): { date: string; time: string; zone: string; moment: string } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, date, time, zone] = match as unknown as [string, string, string, string];
  const moment = Date.parse(text);
  if (Number.isNaN(moment) || fixedOffset(zone) === undefined) return undefined;
  return { date, time, zone: zone === 'Z' ? 'UTC' : zone, moment: new Date(moment).toISOString() };
}
