// Without Microsoft Graph (local mode, the embedded default): each email is written as an .eml
// file in the data folder's mail/ folder, which any mail program opens. The card is in it as
// Outlook would find it; the README says how to look at it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mailer, OutgoingEmail } from '../app/ports';
import { emlMessage } from './compose';

export class FileMailer implements Mailer {
  constructor(
    private readonly folder: string,
    private readonly clock: { now(): Date },
  ) {}

  async send(email: OutgoingEmail): Promise<void> {
    mkdirSync(this.folder, { recursive: true });
    const at = this.clock.now();
    const stamp = at.toISOString().replace(/[:.]/g, '-');
    const file = join(this.folder, `${email.escalationId}-${stamp}-${process.hrtime.bigint() % 1_000_000n}.eml`);
    writeFileSync(file, emlMessage({ from: 'escalation-desk@localhost', ...email }, at));
  }
}
