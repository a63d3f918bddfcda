// What the Teams edge needs from the rest of the app.
import type { PostingDeps } from '../app/escalate';

export interface TeamsDeps extends PostingDeps {
  /** Base URL for links on cards. */
  publicUrl: string;
}
