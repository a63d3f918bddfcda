// The brief card's line of followers and the reader's Follow or Unfollow (app/following.ts).
import { type Following, followingSaid } from '../../app/following';

export interface FollowModel {
  text: string;
  buttons: boolean;
  canFollow: boolean;
  canUnfollow: boolean;
}

export function followModel(following: Following | undefined, host?: 'teams' | 'outlook'): FollowModel {
  if (!following) return { text: '', buttons: false, canFollow: false, canUnfollow: false };
  const { count, reader } = following;
  const said = followingSaid(count, reader);
  // A channel's copy is read by many: Follow there follows whoever clicks it. An email's card is
  // drawn for its list, and Outlook may not say who clicks (README, Outlook): none offered there.
  const canFollow = said.canFollow || (reader === undefined && host !== 'outlook');
  const { canUnfollow } = said;
  return { text: `${said.many}${said.you}.`, buttons: canFollow || canUnfollow, canFollow, canUnfollow };
}
