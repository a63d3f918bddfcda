// The tiers over REST: where each is posted and whom its escalations are emailed to, as far as
// the caller may see (a restricted tier's only to those who may see its escalations); and setting a
// tier's email list, by the same rule as the `email` command in Teams (domain/access.ts).
import type { Server } from 'restify';
import { z } from 'zod';
import { mayChooseEmailListOf, viewerOf } from '../app/access';
import { seesEverything, sightOf } from '../domain/access';
import { parseAddresses } from '../domain/emailing';
import { isRestricted, type Target, targetLabels, targets } from '../domain/tiers';
import { callerOf } from './callers';
import { sendError, sendProblems } from './errors';
import { guarded, type Handler, type ServerDeps } from './server';

const targetSchema = z.enum(targets, { error: `The tier must be one of ${targets.join(', ')}` });

export function registerTierRoutes(server: Server, deps: ServerDeps): void {
  server.get('/api/tiers', guarded(deps, listTiers(deps)));
  server.put('/api/tiers/:target/emails', guarded(deps, setEmailList(deps)));
}

function listTiers(deps: ServerDeps): Handler {
  return async (req, res) => {
    const caller = callerOf(req);
    const sight =
      caller.kind === 'integration'
        ? seesEverything
        : sightOf((await viewerOf(deps, caller.person)).viewer, deps.access);
    const [bindings, lists] = await Promise.all([deps.store.listChannels(), deps.store.emailLists()]);
    const bound = new Map(bindings.map((b) => [b.target, b]));
    res.send(
      200,
      targets
        .filter((target) => !sight.hidden.includes(target))
        .map((target) => ({
          target,
          channel: bound.get(target)?.conversationReference.channel ?? null,
          emails: lists.get(target) ?? [],
        })),
    );
  };
}

function setEmailList(deps: ServerDeps): Handler {
  return async (req, res) => {
    const target = targetSchema.safeParse(req.params.target);
    if (!target.success)
      return sendProblems(res, [{ field: 'target', message: target.error.issues[0]?.message ?? '' }]);
    const caller = callerOf(req);
    if (caller.kind === 'person') {
      const allowed = await mayChooseEmailListOf(deps, caller.person, target.data);
      if (allowed !== true) return sendError(res, 403, whoMayChoose(target.data, allowed));
    }
    const parsed = addressesOf(req.body);
    if ('problem' in parsed) return sendProblems(res, [{ field: 'addresses', message: parsed.problem }]);
    const by = caller.kind === 'person' ? caller.person : { name: 'API' };
    await deps.store.setEmailList(target.data, parsed.addresses, by, deps.clock.now().toISOString());
    res.send(200, { target: target.data, emails: parsed.addresses });
  };
}

function whoMayChoose(target: Target, allowed: false | 'unsure'): string {
  const tier = targetLabels[target];
  if (allowed === 'unsure') return 'Teams could not say just now whether you may choose it: try again in a minute';
  if (isRestricted(target)) return `Only admins (or the API key) set whom ${tier} escalations are emailed to`;
  return `Only admins (or the API key), and the owners of the team whose channel takes ${tier} escalations, set whom they are emailed to`;
}

/** `{"addresses": [...]}` or a comma-separated string; empty clears the list. */
function addressesOf(body: unknown): { addresses: string[] } | { problem: string } {
  const given = (body ?? {}) as { addresses?: unknown };
  const { addresses } = given;
  if (addresses === '' || (Array.isArray(addresses) && addresses.length === 0)) return { addresses: [] };
  if (Array.isArray(addresses)) {
    return addresses.every((a) => typeof a === 'string') ? parseAddresses(addresses.join(',')) : parseAddresses(null);
  }
  return parseAddresses(addresses);
}
