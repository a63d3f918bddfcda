// A Teams message saved into an escalation ("Save to escalation" on a message, or "save <text>" in
// its swarm chat): the message as the timeline keeps it (plain text, its author, time and link) and
// the change that adds it, one entry. Who may save is who may add a note (domain/lifecycle.ts
// whoMay): callers ask it. What arrives is client text: every field is read as untrusted.
import { ownField as own } from './clientText';
import type { Change } from './decide';
import { type Escalation, type Person, timelineKinds } from './escalation';
import { messageText, oneLine } from './messageText';

/** A message as its timeline entry keeps it. */
export interface SavedMessage {
  /** Plain text on one line, at most savedCaps.text characters. */
  text: string;
  author: string;
  /** When it was written (ISO), when Teams said. */
  at?: string;
  /** Its link in Teams (teamsMessageLink), when Teams gave one. */
  link?: string;
}

export const savedCaps = { text: 1000, why: 300, author: 100 } as const;

/** Where Teams' own links to a message live; any other link is kept as nothing. */
const teamsHosts = new Set(['teams.microsoft.com', 'teams.cloud.microsoft']);

/**
 * The link when it is an https link on Teams' own hosts, and nothing a card's markdown or a page
 * could read otherwise (no spaces, brackets, quotes or backslashes); else undefined.
 */
export function teamsMessageLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000 || !/^https:\/\/[^\s()<>[\]{}"'`\\]+$/.test(value)) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const plain = url.protocol === 'https:' && !url.username && !url.password && !url.port;
  return plain && teamsHosts.has(url.hostname) ? value : undefined;
}

/**
 * The message a message action hands over (messagePayload: `body.content` HTML, `from.user`,
 * `createdDateTime`, `linkToMessage`), or undefined when there is none to save.
 */
export function savedMessageOf(payload: unknown): SavedMessage | undefined {
  if (!isRecord(payload)) return undefined;
  const body = own(payload, 'body');
  const content = own(body, 'content');
  const contentType = own(body, 'contentType');
  const text = oneLine(
    typeof content === 'string' ? messageText(content, typeof contentType === 'string' ? contentType : undefined) : '',
    savedCaps.text,
  );
  const link = teamsMessageLink(own(payload, 'linkToMessage'));
  if (!text && !link) return undefined;
  const from = own(payload, 'from');
  const author = nameOf(own(own(from, 'user'), 'displayName')) ?? nameOf(own(own(from, 'application'), 'displayName'));
  const at = momentOf(own(payload, 'createdDateTime'));
  return { text, author: author ?? 'Someone', ...(at ? { at } : {}), ...(link ? { link } : {}) };
}

/** The message's id as Teams gave it (with its conversation, what makes a save once-only). */
export function messageIdOf(payload: unknown): string | undefined {
  const id = own(payload, 'id');
  return (typeof id === 'string' && id.trim()) || typeof id === 'number' ? String(id).slice(0, 200) : undefined;
}

/** The optional line of why, as saved: one line, capped; nothing for anything but text. */
export function whyOf(value: unknown): string | undefined {
  return typeof value === 'string' ? oneLine(messageText(value, 'text'), savedCaps.why) || undefined : undefined;
}

/**
 * "Saved from Teams by Dana Agent: Tom Lee, 14:02 UTC — the message (why: …)", or "Saved from Teams
 * by Tom Lee, 14:02 UTC — …" for one's own: the board and a help desk's note show no actor, so the
 * text names who saved it. The time is the day's when it was written the day it is saved (`at`).
 */
export function savedEntryText(message: SavedMessage, by: Person, why: string | undefined, at: string): string {
  const written = message.at ? `, ${momentText(message.at, at)}` : '';
  const whose = by.name === message.author ? `${by.name}${written}` : `${by.name}: ${message.author}${written}`;
  const said = message.text || '(no text: open the message for what it holds)';
  return `Saved from Teams by ${whose} — ${said}${why ? ` (why: ${why})` : ''}`;
}

/** The timeline's one entry for a saved message: the next version, no other effect. */
export function savedChange(
  escalation: Escalation,
  message: SavedMessage,
  by: Person,
  why: string | undefined,
  at: string,
): Change {
  return {
    next: { ...escalation, version: escalation.version + 1, updatedAt: at },
    entry: {
      kind: timelineKinds.saved,
      text: savedEntryText(message, by, why, at),
      ...(message.link ? { link: message.link } : {}),
    },
    effects: [],
  };
}

/** "14:02 UTC" the same day, "2026-11-27 14:02 UTC" another. */
function momentText(written: string, saved: string): string {
  const time = `${written.slice(11, 16)} UTC`;
  return written.slice(0, 10) === saved.slice(0, 10) ? time : `${written.slice(0, 10)} ${time}`;
}

function momentOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const time = Date.parse(value);
  if (!Number.isFinite(time)) return undefined;
  // Years of four digits only: the entry's text reads the time at fixed places.
  const iso = new Date(time).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

function nameOf(value: unknown): string | undefined {
  return typeof value === 'string' ? oneLine(messageText(value, 'text'), savedCaps.author) || undefined : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
