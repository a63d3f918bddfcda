// Teams, as the page meets it through @microsoft/teams-js: whether it is inside Teams, its context
// (who, which tenant, team and channel, the theme, followed as it changes), the person's token for our API (Nested App
// Authentication where the host recommends it, else authentication.getAuthToken), and opening a
// card's thread.
import { app, authentication, nestedAppAuth } from '@microsoft/teams-js';

import type { TabSettings } from './api';
import { framedOrOpened } from './host';
import { applyTheme, themeNamed } from './theme';

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Teams' context, or undefined outside Teams (or when the host does not answer in time). */
export async function connectToTeams(waitMs = 6000): Promise<app.Context | undefined> {
  if (!framedOrOpened()) return undefined;
  try {
    await within(app.initialize(), waitMs);
    const context = await within(app.getContext(), waitMs);
    app.notifySuccess().catch(() => undefined);
    return context;
  } catch {
    return undefined;
  }
}

/** The page in Teams' theme, now and whenever the person changes it. */
export function followTheme(context: app.Context): void {
  const apply = (name: string) => {
    const theme = themeNamed(name);
    if (theme) applyTheme(theme);
  };
  apply(context.app.theme);
  app.registerOnThemeChangeHandler(apply);
}

interface HeldToken {
  token: string;
  /** Milliseconds since the epoch when it stops being worth sending. */
  until: number;
}

/** When a JWT expires (its `exp`), less five minutes; now if it cannot be read. */
function usableUntil(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof claims.exp === 'number' ? claims.exp * 1000 - 5 * 60_000 : 0;
  } catch {
    return 0;
  }
}

/** The signed-in person's tokens for our API, asked of Teams as needed and kept until near expiry. */
export class TeamsSignIn {
  private held?: HeldToken;
  private asking?: Promise<string>;

  constructor(
    private readonly sso: NonNullable<TabSettings['sso']>,
    private readonly context: app.Context,
  ) {}

  token(): Promise<string> {
    if (this.held && this.held.until > Date.now()) return Promise.resolve(this.held.token);
    this.asking ??= this.ask().then(
      (token) => {
        this.held = { token, until: usableUntil(token) };
        this.asking = undefined;
        return token;
      },
      (error: unknown) => {
        this.asking = undefined;
        throw error;
      },
    );
    return this.asking;
  }

  /** After a 401: the next call asks again. */
  forget(): void {
    this.held = undefined;
  }

  private async ask(): Promise<string> {
    if (nestedAppAuth.isNAAChannelRecommended()) {
      try {
        return await this.nestedAppToken();
      } catch {
        // The host's broker could not give one silently or by popup: Teams' own SSO still may.
      }
    }
    return authentication.getAuthToken();
  }

  /** Nested App Authentication: MSAL asks the host (Teams, Outlook, Microsoft 365) for the token. */
  private async nestedAppToken(): Promise<string> {
    const msal = await import('@azure/msal-browser');
    const tenant = this.context.user?.tenant?.id ?? 'organizations';
    const client = await msal.createNestablePublicClientApplication({
      auth: { clientId: this.sso.clientId, authority: `${this.sso.authorityHost}/${tenant}` },
    });
    const scopes = [`${this.sso.appIdUri}/access_as_user`];
    const account = client.getAllAccounts()[0];
    try {
      const result = account
        ? await client.acquireTokenSilent({ scopes, account })
        : await client.ssoSilent({ scopes, loginHint: this.context.user?.loginHint });
      return result.accessToken;
    } catch (error) {
      if (!(error instanceof msal.InteractionRequiredAuthError)) throw error;
      return (await client.acquireTokenPopup({ scopes })).accessToken;
    }
  }
}

/** Opens a Teams link (a card's thread) in Teams itself; outside Teams, in a new window. */
export async function openInTeams(url: string, inTeams: boolean): Promise<void> {
  if (inTeams) {
    try {
      await app.openLink(url);
      return;
    } catch {
      // Hosts that cannot open it themselves: a new window still gets there.
    }
  }
  window.open(url, '_blank', 'noopener');
}
