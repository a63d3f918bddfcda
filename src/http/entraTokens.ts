// A person's Microsoft Entra token, as the tab sends it (Teams single sign-on): signed by their
// tenant's keys (its JWKS), issued by that tenant, for this app (its app id URI or client id),
// with the access_as_user scope, from an allowed tenant. msal-node does not validate incoming
// tokens; jose does, against the keys Entra publishes.
import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import type { Person } from '../domain/escalation';

export interface TokenRules {
  clientId: string;
  appIdUri: string;
  /** https://login.microsoftonline.com, or a sovereign cloud's (tests: a loopback JWKS). */
  authorityHost: string;
  /** Tenants whose people may call; undefined: any. */
  allowedTenants?: string[];
}

export type TokenCheck = { ok: true; person: Person } | { ok: false; reason: string };

const tenantPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One key set per tenant, fetched when first needed and kept (jose refreshes it on an unknown key). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export async function checkEntraToken(token: string, rules: TokenRules): Promise<TokenCheck> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    return { ok: false, reason: 'The token is not a JSON Web Token' };
  }
  const tenant = typeof unverified.tid === 'string' ? unverified.tid.toLowerCase() : '';
  if (!tenantPattern.test(tenant)) return { ok: false, reason: 'The token names no tenant' };
  if (rules.allowedTenants && !rules.allowedTenants.includes(tenant)) {
    return { ok: false, reason: 'Your organisation is not one this app serves' };
  }
  const keysUrl = `${rules.authorityHost}/${tenant}/discovery/v2.0/keys`;
  let keys = keySets.get(keysUrl);
  if (!keys) {
    // Tokens naming many tenants (allowed tenants unset) must not grow this without end.
    if (keySets.size >= 100) keySets.clear();
    keys = createRemoteJWKSet(new URL(keysUrl), { timeoutDuration: 5000 });
    keySets.set(keysUrl, keys);
  }
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: [`${rules.authorityHost}/${tenant}/v2.0`, `https://sts.windows.net/${tenant}/`],
      audience: [rules.appIdUri, rules.clientId],
      algorithms: ['RS256'],
      clockTolerance: 60,
    });
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
    if (!scopes.includes('access_as_user')) return { ok: false, reason: 'The token lacks the access_as_user scope' };
    const oid = typeof payload.oid === 'string' ? payload.oid.toLowerCase() : '';
    if (!tenantPattern.test(oid)) return { ok: false, reason: 'The token names no person (oid)' };
    const name = typeof payload.name === 'string' && payload.name ? payload.name.slice(0, 200) : 'Someone';
    const upn = typeof payload.preferred_username === 'string' ? payload.preferred_username.slice(0, 200) : undefined;
    return { ok: true, person: { id: oid, name, ...(upn ? { email: upn } : {}) } };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    return {
      ok: false,
      reason:
        code === 'ERR_JWT_EXPIRED'
          ? 'The token has expired: sign in again'
          : code === 'ERR_JWKS_TIMEOUT'
            ? 'Your tenant’s signing keys could not be fetched just now: try again in a minute'
            : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
              ? 'The token is for another app or issuer'
              : 'The token is not signed by your tenant',
    };
  }
}
