// "Brief as text" links that open with a click: signed (HMAC-SHA256 with LINK_SECRET), bound
// to one escalation and to whom the card showing the link was for, and expiring. The server
// opens one only if that viewer may still see the escalation (domain/access.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../domain/access';
import { type Target, targets } from '../domain/vocabulary';

/** A link opens for this long after the card that carried it was drawn (cards are redrawn as they change). */
export const briefLinkLifetimeMs = 7 * 24 * 3_600_000;

/** Expiry is rounded up to the hour, so a card redrawn within the hour carries the same link. */
const roundingMs = 3_600_000;

/**
 * Whom a link was made for, as it travels in `for=`: a person (`p:<Entra object id>`), the
 * members of a tier's channel (`c:<tier>`), or anyone in the tenant (`a`).
 */
export type LinkAudience = { kind: 'person'; id: string } | { kind: 'channel'; tier: Target } | { kind: 'anyone' };

export function audienceOf(viewer: Viewer): LinkAudience {
  if (viewer.id) return { kind: 'person', id: viewer.id };
  const [tier] = viewer.memberOf;
  return tier ? { kind: 'channel', tier } : { kind: 'anyone' };
}

function encode(audience: LinkAudience): string {
  return audience.kind === 'person' ? `p:${audience.id}` : audience.kind === 'channel' ? `c:${audience.tier}` : 'a';
}

function decode(text: string): LinkAudience | undefined {
  if (text === 'a') return { kind: 'anyone' };
  const tier = text.startsWith('c:') ? targets.find((t) => t === text.slice(2)) : undefined;
  if (tier) return { kind: 'channel', tier };
  const id = text.startsWith('p:') ? text.slice(2) : '';
  return /^[\w.@-]{1,128}$/.test(id) ? { kind: 'person', id } : undefined;
}

function signature(secret: string, escalationId: string, audience: string, expires: number): Buffer {
  return createHmac('sha256', secret).update(`brief.txt\n${escalationId}\n${audience}\n${expires}`).digest();
}

/** Links made lately: one expiry stands for a while, and every click draws a card or two. */
const linksMade = new Map<string, string>();

/** The link for a card drawn now for `viewer`. */
export function briefLink(publicUrl: string, secret: string, escalationId: string, viewer: Viewer, now: Date): string {
  const expires = Math.ceil((now.getTime() + briefLinkLifetimeMs) / roundingMs) * (roundingMs / 1000);
  const audience = encode(audienceOf(viewer));
  const key = `${publicUrl}\n${secret}\n${escalationId}\n${audience}\n${expires}`;
  const made = linksMade.get(key);
  if (made) return made;
  const sig = signature(secret, escalationId, audience, expires).toString('base64url');
  const query = new URLSearchParams({ for: audience, exp: String(expires), sig });
  const link = `${publicUrl}/api/escalations/${escalationId}/brief.txt?${query}`;
  if (linksMade.size >= 5000) linksMade.clear();
  linksMade.set(key, link);
  return link;
}

export type LinkCheck = { ok: true; audience: LinkAudience } | { ok: false; reason: string };

/** Whether the query of a brief.txt request is a valid link for this escalation, and for whom. */
export function checkBriefLink(
  secret: string,
  escalationId: string,
  query: Record<string, unknown>,
  now: Date,
): LinkCheck {
  const { for: audience, exp, sig } = query;
  const refused = { ok: false as const, reason: 'This link is not valid: open "Brief as text" from the card again' };
  if (typeof audience !== 'string' || typeof exp !== 'string' || typeof sig !== 'string') return refused;
  const expires = /^\d{1,12}$/.test(exp) ? Number(exp) : Number.NaN;
  const decoded = decode(audience);
  if (!decoded || !Number.isSafeInteger(expires)) return refused;
  const given = Buffer.from(sig, 'base64url');
  const expected = signature(secret, escalationId, audience, expires);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refused;
  if (expires * 1000 <= now.getTime()) {
    return { ok: false, reason: 'This link has expired: open "Brief as text" from the card again for a new one' };
  }
  return { ok: true, audience: decoded };
}
