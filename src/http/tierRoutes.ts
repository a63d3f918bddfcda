// The tiers over REST: where each is posted and whom its escalations are emailed to; an
// integration (the API key) or an admin sets a tier's email list.
import type { Server } from 'restify';
import { z } from 'zod';
import { parseAddresses } from '../domain/emailing';
import { type Target, targets } from '../domain/vocabulary';
import { callerOf } from './callers';
import { sendError, sendProblems } from './errors';
import { guarded, type ServerDeps } from './server';

const targetSchema = z.enum(targets, { error: `The tier must be one of ${targets.join(', ')}` });

export function registerTierRoutes(server: Server, deps: ServerDeps): void {
  server.get(
    '/api/tiers',
    guarded(deps, async (_req, res) => {
      const [bindings, lists] = await Promise.all([deps.store.listChannels(), deps.store.emailLists()]);
      const bound = new Map(bindings.map((b) => [b.target, b]));
      res.send(
        200,
        targets.map((target) => ({
          target,
          channel: bound.get(target)?.conversationReference.channel ?? null,
          emails: lists.get(target) ?? [],
        })),
      );
    }),
  );

  server.put(
    '/api/tiers/:target/emails',
    guarded(deps, async (req, res) => {
      const target = targetSchema.safeParse(req.params.target);
      if (!target.success)
        return sendProblems(res, [{ field: 'target', message: target.error.issues[0]?.message ?? '' }]);
      const caller = callerOf(req);
      if (caller.kind === 'person') {
        const { id } = caller.person;
        const admin = id
          ? await deps.directory.isAdmin({ id }).catch((error: Error) => {
              deps.log(`could not tell whether ${id} is an admin (taken as not): ${error.message}`);
              return false;
            })
          : false;
        if (!admin) return sendError(res, 403, 'Only admins (or the API key) set whom a tier is emailed to');
      }
      const body = (req.body ?? {}) as { addresses?: unknown };
      const given = Array.isArray(body.addresses)
        ? body.addresses.every((a) => typeof a === 'string')
          ? body.addresses.join(',')
          : null
        : body.addresses;
      const parsed =
        given === '' || (Array.isArray(body.addresses) && body.addresses.length === 0)
          ? { addresses: [] }
          : parseAddresses(given);
      if ('problem' in parsed) return sendProblems(res, [{ field: 'addresses', message: parsed.problem }]);
      const by = caller.kind === 'person' ? caller.person : { name: 'API' };
      await deps.store.setEmailList(target.data as Target, parsed.addresses, by, deps.clock.now().toISOString());
      res.send(200, { target: target.data, emails: parsed.addresses });
    }),
  );
}
