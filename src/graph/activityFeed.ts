// The Teams activity feed through Microsoft Graph (application permission TeamsActivity.Send):
// POST /users/{id}/teamwork/sendActivityNotification, one notification a follower's notice, of an
// activity type the manifest declares (appPackage/manifest.json `activities`), opening a Teams
// deep link. Graph answers 403/404 when the app is not installed for the person, and 429 with
// Retry-After: the client's errors say so to the delivery worker. A 403 for the app's missing
// permission is not the person's: it says so, and the notice goes to their chat instead.
import type { FeedSender } from '../app/followPorts';
import type { FeedNotice } from '../domain/notifications';
import { type GraphClient, GraphError } from './client';

/** Graph's words when the app has not been granted the permission ("Missing role permissions on the request"). */
const missingPermission = /missing role permissions|requires one of 'TeamsActivity\.Send/i;

export class ActivityFeed implements FeedSender {
  constructor(
    private readonly graph: GraphClient,
    /** The Teams app's id in the organisation's catalog: the app the notification is from. */
    private readonly teamsAppId: string,
  ) {}

  async notify(personId: string, notice: FeedNotice, webUrl: string): Promise<'sent' | 'notPermitted'> {
    try {
      await this.graph.request(
        'POST',
        `/v1.0/users/${encodeURIComponent(personId)}/teamwork/sendActivityNotification`,
        {
          topic: { source: 'text', value: notice.topic, webUrl },
          activityType: notice.activityType,
          previewText: { content: notice.previewText },
          templateParameters: notice.templateParameters,
          teamsAppId: this.teamsAppId,
        },
      );
      return 'sent';
    } catch (error) {
      // The app lacks TeamsActivity.Send: the person is reachable, the app is not allowed (yet).
      if (error instanceof GraphError && error.statusCode === 403 && missingPermission.test(error.message)) {
        return 'notPermitted';
      }
      throw error;
    }
  }
}
