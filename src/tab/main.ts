// The Escalation Board's start: Teams' context (inside Teams), then who is looking (Teams single
// sign-on; in local mode, the person picked), then the board. Who is looking and the first queue
// are asked for before the board's components and the rest of its code load, so both arrive
// together. Outside Teams the page says so, and in local mode still works; it loads no teams-js.
import type { app } from '@microsoft/teams-js';
import { targets } from '../domain/vocabulary';
import {
  ApiError,
  BoardApi,
  type BoardView,
  type Identity,
  localPeople,
  type PersonRef,
  queuePage,
  queueQuery,
  type TabSettings,
} from './api';
import { h, replaceChildren } from './dom';
import { framedOrOpened } from './host';
import { applyTheme, initialTheme } from './theme';

const pickedKey = 'escalation-board.actingAs';

function notice(intent: 'info' | 'warning' | 'error', text: string): void {
  const bar = h('fluent-message-bar', { intent, layout: 'multiline' }, text);
  replaceChildren(document.getElementById('notice') as HTMLElement, bar);
}

/** What the URL asks for: "My escalations" (?view=mine) or one tier's board (?tier=, the channel tab). */
function viewFromUrl(): BoardView {
  const query = new URLSearchParams(location.search);
  const tier = query.get('tier');
  return {
    mine: query.get('view') === 'mine',
    tier: targets.find((target) => target === tier),
  };
}

/**
 * In local mode: whom to act as, remembered in this browser, chosen from the people the bot has
 * seen (offered once they arrive).
 */
function localIdentity(people: Promise<PersonRef[]>): { identity: Identity; picker: HTMLElement } {
  let picked: PersonRef | undefined;
  try {
    const stored = JSON.parse(localStorage.getItem(pickedKey) ?? 'null') as PersonRef | null;
    picked = stored?.id ? { id: stored.id, name: String(stored.name ?? stored.id) } : undefined;
  } catch {
    picked = undefined;
  }
  const select = h(
    'select',
    { id: 'acting-as', 'aria-describedby': 'acting-as-hint' },
    h('option', { value: '' }, 'Nobody (the API itself)'),
    picked?.id ? h('option', { value: picked.id, selected: true }, picked.name) : null,
  );
  // Nobody chosen yet in this browser: the first person the bot has seen.
  const chosen = people.then((seen) => {
    picked ??= seen.find((person) => person.id);
    for (const person of seen) {
      if (!person.id || select.querySelector(`option[value="${CSS.escape(person.id)}"]`)) continue;
      select.append(h('option', { value: person.id, selected: person.id === picked?.id }, person.name));
    }
    return picked;
  });
  const choose = (person: PersonRef | undefined) => {
    if (person) localStorage.setItem(pickedKey, JSON.stringify(person));
    else localStorage.removeItem(pickedKey);
    location.reload();
  };
  select.addEventListener('change', () => {
    const option = select.selectedOptions[0];
    choose(option?.value ? { id: option.value, name: option.textContent ?? option.value } : undefined);
  });
  const picker = h(
    'div',
    { class: 'picker' },
    h('label', { for: 'acting-as' }, 'You are'),
    select,
    h('span', { id: 'acting-as-hint', class: 'hint' }, 'Local mode: pick whom to act as'),
  );
  // A header carries Latin-1 only: a name beyond it is left to the server, which shows the id.
  const identity: Identity = async () => {
    const person = picked ?? (await chosen);
    if (!person?.id) return {};
    const headers: Record<string, string> = { 'x-dev-user': person.id };
    if (/^[\x20-\x7e\u00a0-\u00ff]{1,200}$/.test(person.name)) headers['x-dev-user-name'] = person.name;
    return headers;
  };
  return { identity, picker };
}

/** The settings the server put in the page (or, failing that, asks for them). */
async function readSettings(): Promise<TabSettings> {
  const block = document.getElementById('tab-settings');
  if (block?.textContent) return JSON.parse(block.textContent) as TabSettings;
  return (await fetch('/tab/settings.json')).json() as Promise<TabSettings>;
}

/** Inside a host: teams-js, and Teams' context (who, where, the theme). */
interface InTeams {
  teams: typeof import('./teams');
  context: app.Context;
}

async function start(): Promise<void> {
  applyTheme(initialTheme());
  const view = viewFromUrl();
  const title = view.mine ? 'My escalations' : 'Escalation Board';
  document.title = title;
  (document.getElementById('title') as HTMLElement).textContent = title;
  const settings = await readSettings();
  const host = await connectToHost();
  const api = boardApi(settings, host);
  if (api) await showBoard(api, view, host);
  else replaceChildren(document.getElementById('app') as HTMLElement);
}

/** Teams (or Outlook, or Microsoft 365) when the page is in one: its context, and its theme followed. */
async function connectToHost(): Promise<InTeams | undefined> {
  if (!framedOrOpened()) return undefined;
  const teams = await import('./teams');
  const context = await teams.connectToTeams();
  if (!context) return undefined;
  teams.followTheme(context);
  return { teams, context };
}

/** How the board says who is looking: the Teams token, or in local mode the person picked; else it says why not. */
function boardApi(settings: TabSettings, host: InTeams | undefined): BoardApi | undefined {
  if (host && settings.sso) {
    const signIn = new host.teams.TeamsSignIn(settings.sso, host.context);
    return new BoardApi(
      async () => ({ authorization: `Bearer ${await signIn.token()}` }),
      () => signIn.forget(),
    );
  }
  if (settings.localMode) {
    // Whom to offer comes while the board loads; it holds the board up only if nobody was chosen yet.
    const local = localIdentity(localPeople().catch(() => []));
    document.getElementById('who')?.append(local.picker);
    if (!host) {
      notice(
        'info',
        'Outside Teams: this is the local board. Pick whom to act as; in Teams you are who you signed in as.',
      );
    }
    return new BoardApi(local.identity);
  }
  notice(
    'warning',
    host
      ? 'Single sign-on is not set up for this app (SSO_CLIENT_ID): ask whoever runs Escalation Desk.'
      : 'Outside Teams: open the Escalation Board from the Escalation Desk app in Teams.',
  );
  return undefined;
}

async function showBoard(api: BoardApi, view: BoardView, host: InTeams | undefined): Promise<void> {
  // Who is looking and the first page of the queue: asked now, while the board's code loads.
  const me = api.me();
  const first = api.board(queueQuery(view, view.tier ? { target: view.tier } : {}, queuePage));
  me.catch(() => undefined);
  first.catch(() => undefined);
  const root = document.getElementById('app') as HTMLElement;
  try {
    const [{ startBoard }] = await Promise.all([import('./board'), import('./components')]);
    const board = startBoard(root, {
      api,
      me,
      first,
      view,
      openLink: async (url) => {
        if (host) return host.teams.openInTeams(url, true);
        window.open(url, '_blank', 'noopener');
      },
      channel: host?.context.channel?.displayName,
    });
    const who = await board.me;
    if (host) replaceChildren(document.getElementById('who') as HTMLElement, h('span', { class: 'me' }, who.name));
    await board.shown;
  } catch (error) {
    const message = error instanceof ApiError ? error.message : 'The board could not be loaded; try again.';
    notice(
      'error',
      error instanceof ApiError && error.status === 401 ? `Signing in did not work: ${message}` : message,
    );
    replaceChildren(root);
    root.removeAttribute('aria-busy');
  }
}

start().catch((error: unknown) => {
  notice('error', `The board could not start: ${error instanceof Error ? error.message : String(error)}`);
});
