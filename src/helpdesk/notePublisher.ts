// Sends the outbox's notes to tickets through each desk's API: internal notes only, paced per desk
// by the delivery worker (app/pacing.ts), a 429's Retry-After waited out, a 4xx given up on and
// counted. A desk no longer connected is a note that cannot be sent.
import type { TicketNoteDelivery } from '../app/helpdeskPorts';
import type { QueuedDelivery } from '../app/ports';
import { type DeskSystem, deskLabels, isDeskSystem } from '../domain/tickets';
import { type Desk, DeskError } from './desk';

export class TicketNotePublisher {
  constructor(private readonly desks: ReadonlyMap<DeskSystem, Desk>) {}

  async send(delivery: TicketNoteDelivery & QueuedDelivery, turn: () => Promise<void>): Promise<void> {
    const { system, id } = delivery.ticket;
    const desk = isDeskSystem(system) ? this.desks.get(system) : undefined;
    if (!desk) {
      const named = isDeskSystem(system) ? deskLabels[system] : system;
      throw new DeskError(`${named} is not connected: a note to ticket ${id} cannot be written (answered 404)`, 404);
    }
    await turn();
    await desk.writeInternalNote(id, delivery.text);
  }
}
