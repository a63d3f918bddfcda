// Sending through Microsoft Graph as one mailbox: POST /v1.0/users/{sender}/sendMail (the
// identity needs the application permission Mail.Send, limited to that mailbox by an
// application access policy). A refusal throws the Graph client's error, with its status and
// Retry-After, for the delivery worker to retry or give up.
import type { Mailer, OutgoingEmail } from '../app/ports';
import type { GraphClient } from '../graph/client';

export class GraphMailer implements Mailer {
  constructor(
    private readonly graph: GraphClient,
    /** The mailbox (UPN) emails are sent from. */
    private readonly sender: string,
  ) {}

  async send(email: OutgoingEmail): Promise<void> {
    await this.graph.request('POST', `/v1.0/users/${encodeURIComponent(this.sender)}/sendMail`, {
      message: {
        subject: email.subject,
        body: { contentType: 'HTML', content: email.html },
        toRecipients: email.to.map((address) => ({ emailAddress: { address } })),
      },
      saveToSentItems: false,
    });
  }
}
