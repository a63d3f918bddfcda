// The brief card's line of followers and the reader's Follow or Unfollow (app/following.ts).
import type { Following } from '../../app/following';

export interface FollowModel {
  text: string;
  buttons: boolean;
  canFollow: boolean;
  canUnfollow: boolean;
}

export function followModel(following: Following | undefined, host?: 'teams' | 'outlook'): FollowModel {
  if (!following) return { text: '', buttons: false, canFollow: false, canUnfollow: false };
  const { count, reader } = following;
  const many = count === 1 ? '1 person follows this' : `${count} people follow this`;
  const you =
    reader === 'requester' || reader === 'owner'
      ? `, you as its ${reader}`
      : reader === 'asked'
        ? ', you among them'
        : '';
  // A channel's copy is read by many: Follow there follows whoever clicks it. An email's card is
  // drawn for its list, and Outlook may not say who clicks (README, Outlook): none offered there.
  const canFollow = reader === 'not' || (reader === undefined && host !== 'outlook');
  const canUnfollow = reader === 'asked';
  return { text: `${many}${you}.`, buttons: canFollow || canUnfollow, canFollow, canUnfollow };
}
