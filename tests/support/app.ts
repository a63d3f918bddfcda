// Starts the real server on a free loopback port with its own SQLite file.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { type RunningApp, type StartOptions, start } from '../../src/main';

export async function startTestApp(env: NodeJS.ProcessEnv = {}, options: StartOptions = {}): Promise<RunningApp> {
  const dir = mkdtempSync(join(tmpdir(), 'escalation-desk-'));
  const config = loadConfig({ PORT: '1', DATABASE_URL: `sqlite:${join(dir, 'escalations.db')}`, ...env });
  return start({ ...config, port: 0 }, { log: () => {}, logger: createLogger('silent'), ...options });
}

export async function json(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text}`);
  }
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
