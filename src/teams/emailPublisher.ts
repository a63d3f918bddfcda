// Sends what the delivery worker takes from the outbox as an email: the brief as it is when
// sent, with its Outlook card (the same template as in Teams, at version 1.4, with its
// originator), to the mailboxes queued; never to anyone who may not read it now (a tier's list
// for a tier, only the Security list for Security, whatever changed since it was queued).
import { canSee, rolesOn } from '../app/access';
import { briefLink } from '../app/briefLinks';
import type { EmailReason, Mailer, QueuedDelivery } from '../app/ports';
import { anyone, channelViewer, type Viewer } from '../domain/access';
import { mayStillReceive } from '../domain/emailing';
import type { Escalation } from '../domain/escalation';
import { isRestricted, leadershipTier } from '../domain/tiers';
import { emailHtml, emailSubject } from '../mail/compose';
import { type CardDeps, escalationCard, threadUrlOf } from './escalationCard';

export interface EmailPublisherDeps extends CardDeps {
  mailer: Mailer;
  log: (message: string) => void;
}

type EmailDelivery = Extract<QueuedDelivery, { kind: 'email' }>;

/** Tries an email waits for its escalation's Teams post, before it goes without the link. */
const waitsForPost = 3;

export class EmailPublisher {
  constructor(private readonly deps: EmailPublisherDeps) {}

  async send(delivery: EmailDelivery, turn: () => Promise<void>): Promise<void> {
    const escalation = await this.deps.store.getEscalation(delivery.escalationId);
    if (!escalation) return;
    const readers = readersOf(delivery.reason, escalation);
    const lists = isRestricted(escalation.brief.target) ? await this.deps.store.emailLists() : new Map();
    const to = mayStillReceive(delivery.reason, escalation.brief.target, delivery.to, lists, this.deps.access);
    if (!canSee(this.deps, readers, escalation) || to.length === 0) {
      this.deps.log(`${escalation.id}: not emailed (${delivery.reason}): its readers may no longer see it`);
      return;
    }
    // The email links to the card's thread in Teams: a fresh escalation's post may still be on its way.
    const thread = await threadUrlOf(this.deps, escalation);
    if (!thread && delivery.attempts < waitsForPost && (await this.deps.store.channelFor(escalation.brief.target))) {
      throw new Error(`${escalation.id}: its email waits for its post in Teams, to link to it`);
    }
    const card = await escalationCard(this.deps, escalation, {
      viewer: readers,
      roles: rolesOn(readers, escalation),
      host: 'outlook',
    });
    const html = emailHtml(escalation, delivery.reason, card, {
      thread,
      brief: briefLink(this.deps.publicUrl, this.deps.linkSecret, escalation.id, readers, this.deps.clock.now()),
    });
    await turn();
    await this.deps.mailer.send({ to, subject: emailSubject(escalation), html, escalationId: escalation.id });
  }
}

/** Who reads an email: a tier's list stands for its channel; a brief shared with anyone, for anyone in the tenant. */
function readersOf(reason: EmailReason, escalation: Escalation): Viewer {
  if (reason === 'raised') return channelViewer(leadershipTier);
  if (reason === 'escalated' || isRestricted(escalation.brief.target)) return channelViewer(escalation.brief.target);
  return anyone;
}
