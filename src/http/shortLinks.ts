// GET /escalations/ESC-n: the short link people paste (and help-desk notes carry). It opens the
// escalation's card in its tier's channel in Teams, or the board when it was never posted there.
// It says nothing of the escalation itself: Teams and the board ask the access policy.
import type { Server } from 'restify';
import { threadUrlOf } from '../teams/escalationCard';
import { notFound } from './escalationRoutes';
import { guarded, type ServerDeps } from './server';

export function registerShortLinks(server: Server, deps: ServerDeps): void {
  server.get(
    '/escalations/:id',
    guarded(deps, async (req, res) => {
      const id = String(req.params.id ?? '').toUpperCase();
      const escalation = await deps.store.getEscalation(id);
      if (!escalation) return notFound(res, String(req.params.id ?? '').slice(0, 40));
      const thread = await threadUrlOf(deps, escalation);
      res.setHeader('location', thread ?? `${deps.config.publicUrl}/tab/index.html?escalation=${escalation.id}`);
      res.setHeader('cache-control', 'no-store');
      res.send(302);
    }),
  );
}
