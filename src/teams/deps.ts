// What the Teams edge needs from the rest of the app.
import type { ActDeps } from '../app/act';
import type { PostingDeps } from '../app/escalate';

export interface TeamsDeps extends PostingDeps, ActDeps {
  /** Base URL for links on cards. */
  publicUrl: string;
  /** Actionable Email provider id put on cards, for Outlook. */
  originatorId?: string;
}
