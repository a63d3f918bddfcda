// Debian's Chromium (apt-get install -y chromium), driven headless by playwright-core: the
// board's pages as a person's browser opens them.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium (.ci/run does)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Root in a container has no user namespace for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/**
 * teams-js asks Microsoft's CDN for the origins Teams runs on; these machines have no internet,
 * so the browser is answered as the CDN would answer (the list teams-js also carries).
 */
export async function answerTeamsOriginList(context: BrowserContext): Promise<void> {
  await context.route('https://res.cdn.office.net/teams-js/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      headers: { 'access-control-allow-origin': '*' },
      body: JSON.stringify({
        validOrigins: [
          'teams.microsoft.com',
          '*.teams.microsoft.com',
          'teams.cloud.microsoft',
          '*.office.com',
          'outlook.office.com',
        ],
      }),
    }),
  );
}
