// The Escalation Board's page (the Teams tab, built from src/tab into dist/tab by `npm run build`),
// served under /tab/: the files the build wrote, by name (no path from the request reaches the
// disk), and the settings the page starts from. Only Teams, Outlook and Microsoft 365 may frame it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Response, Server } from 'restify';
import type { Config } from '../config';
import { sendError } from './errors';
import { guarded, type ServerDeps } from './server';

/** Where the build writes the page: dist/tab, beside dist/src/http where this file runs. */
export const tabDirectory = path.resolve(__dirname, '../../tab');

const contentTypes = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.map', 'application/json; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
]);

/** The hosts that show tabs: Teams (web, desktop), Outlook and Microsoft 365 (Office). */
const tabHosts = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.microsoft365.com',
  'https://local.teams.office.com',
];

interface TabFile {
  body: Buffer;
  /** The same, gzipped once here, for browsers that take it (all do). */
  gzipped: Buffer;
  type: string;
  etag: string;
}

/**
 * The page's files by name, read once at start-up. Each HTML page carries the settings it starts
 * from as a JSON data block (not a script: the policy runs none inline), saving a round trip.
 */
function readTabFiles(directory: string, settings: ReturnType<typeof tabSettings>): Map<string, TabFile> {
  const settingsBlock = `<script id="tab-settings" type="application/json">${JSON.stringify(settings).replace(/</g, '\\u003c')}</script>`;
  const files = new Map<string, TabFile>();
  if (!existsSync(directory)) return files;
  for (const name of readdirSync(directory)) {
    const type = contentTypes.get(path.extname(name));
    if (!type) continue;
    const read = readFileSync(path.join(directory, name));
    const body = name.endsWith('.html')
      ? Buffer.from(read.toString('utf8').replace('</head>', `  ${settingsBlock}\n  </head>`))
      : read;
    files.set(name, {
      body,
      gzipped: gzipSync(body, { level: 9 }),
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  return files;
}

function contentSecurityPolicy(config: Config): string {
  const signIn = config.sso ? ` ${config.sso.authorityHost}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Fluent's components and Chart.js set styles from script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // teams-js fetches the current list of Teams' origins from Microsoft's CDN.
    `connect-src 'self' https://res.cdn.office.net${signIn}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors 'self' ${tabHosts.join(' ')}`,
  ].join('; ');
}

/** What the page needs before it can ask for anything: how people sign in, and the mode. */
export function tabSettings(config: Config) {
  return {
    localMode: config.localMode,
    sso: config.sso
      ? { clientId: config.sso.clientId, appIdUri: config.sso.appIdUri, authorityHost: config.sso.authorityHost }
      : null,
    publicUrl: config.publicUrl,
  };
}

export function registerTabRoutes(server: Server, deps: ServerDeps): void {
  const files = readTabFiles(tabDirectory, tabSettings(deps.config));
  const policy = contentSecurityPolicy(deps.config);
  const pageHeaders = (res: Response) => {
    res.setHeader('content-security-policy', policy);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-cache');
  };

  const toBoard = guarded(deps, async (_req, res) => {
    res.setHeader('location', '/tab/index.html');
    res.send(302);
  });
  server.get('/tab', toBoard);
  server.get('/tab/', toBoard);

  server.get(
    '/tab/settings.json',
    guarded(deps, async (_req, res) => {
      pageHeaders(res);
      res.send(200, tabSettings(deps.config));
    }),
  );

  server.get(
    '/tab/:file',
    guarded(deps, async (req, res) => {
      const name = String(req.params.file ?? '');
      const file = /^[\w.-]{1,100}$/.test(name) ? files.get(name) : undefined;
      if (!file) {
        const built = files.size > 0;
        return sendError(res, 404, built ? 'No such page of the board' : 'The board is not built: run npm run build');
      }
      pageHeaders(res);
      res.setHeader('etag', file.etag);
      if (req.header('if-none-match') === file.etag) {
        res.writeHead(304);
        res.end();
        return;
      }
      res.setHeader('content-type', file.type);
      res.setHeader('vary', 'accept-encoding');
      if (/\bgzip\b/.test(req.header('accept-encoding') ?? '')) {
        res.setHeader('content-encoding', 'gzip');
        res.sendRaw(200, file.gzipped);
        return;
      }
      res.sendRaw(200, file.body);
    }),
  );
}
