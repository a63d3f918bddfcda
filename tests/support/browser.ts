// The board's pages as a person's browser opens them: Chromium driven headless by playwright-core.
// Debian's Chromium where it is installed (apt-get install -y chromium), else the headless
// Chromium that the dev dependency @sparticuz/chromium carries inside its npm package, so
// `npm test` passes on a fresh machine with nothing but `npm ci`. CHROMIUM_PATH picks another.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

const debianChromium = '/usr/bin/chromium';
/** Where @sparticuz/chromium unpacks the fonts it carries. */
const bundledFonts = path.join(tmpdir(), 'fonts');

/** Which Chromium the browser tests drive, and where it came from (for a message that helps). */
interface ChromiumChoice {
  executablePath: string;
  bundled: boolean;
}

async function chooseChromium(): Promise<ChromiumChoice> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`No Chromium at CHROMIUM_PATH=${chosen}: unset it or point it at one`);
    return { executablePath: chosen, bundled: false };
  }
  if (existsSync(debianChromium)) return { executablePath: debianChromium, bundled: false };
  // Unpacked on first use into the temporary folder (about 190 MB, a couple of seconds), then reused.
  const { default: bundledChromium } = await import('@sparticuz/chromium');
  return { executablePath: await bundledChromium.executablePath(), bundled: true };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, bundled } = await chooseChromium();
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      // Root in a container has no user namespace for Chromium's sandbox, and a small /dev/shm.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      // The bundled Chromium brings fonts for machines that have none configured.
      env:
        bundled && !existsSync('/etc/fonts/fonts.conf') ? { ...process.env, FONTCONFIG_PATH: bundledFonts } : undefined,
    });
  } catch (error) {
    if (!bundled) throw error;
    // An unpacking cut short (a killed run) leaves a broken browser that later runs would reuse.
    throw new Error(
      `The bundled Chromium at ${executablePath} did not start: delete it (and ${bundledFonts}) and run the tests again, ` +
        `or install Debian's (apt-get install -y chromium). ${(error as Error).message}`,
    );
  }
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
