// The Escalation Board's start: the settings and Teams' context asked at once, then who is looking
// (Teams single sign-on; in local mode, the person picked), then the board. Outside Teams the page
// says so, and in local mode still works.
import '@fluentui/web-components/button.js';
import '@fluentui/web-components/badge.js';
import '@fluentui/web-components/message-bar.js';
import '@fluentui/web-components/tablist.js';
import '@fluentui/web-components/tab.js';
import type { app } from '@microsoft/teams-js';
import { targets } from '../domain/vocabulary';
import { ApiError, BoardApi, type Identity, localPeople, type PersonRef } from './api';
import { type BoardView, startBoard } from './board';
import { h, replaceChildren } from './dom';
import { connectToTeams, onThemeChange, type TabSettings, TeamsSignIn } from './teams';
import { applyTheme, initialTheme, themeNamed } from './theme';

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

/** In local mode: whom to act as, from the people the bot has seen, remembered in this browser. */
function localIdentity(people: PersonRef[]): { identity: Identity; picker: HTMLElement } {
  let picked: PersonRef | undefined;
  try {
    const stored = JSON.parse(localStorage.getItem(pickedKey) ?? 'null') as PersonRef | null;
    picked = people.find((person) => person.id === stored?.id) ?? (stored?.id ? stored : undefined);
  } catch {
    picked = undefined;
  }
  picked ??= people[0];
  const select = h(
    'select',
    { id: 'acting-as', 'aria-describedby': 'acting-as-hint' },
    h('option', { value: '' }, 'Nobody (the API itself)'),
    ...people.map((person) => h('option', { value: person.id ?? '', selected: person.id === picked?.id }, person.name)),
  );
  if (picked?.id && !people.some((person) => person.id === picked?.id)) {
    select.append(h('option', { value: picked.id, selected: true }, picked.name));
  }
  select.addEventListener('change', () => {
    const option = select.selectedOptions[0];
    const chosen = option?.value ? { id: option.value, name: option.textContent ?? option.value } : undefined;
    if (chosen) localStorage.setItem(pickedKey, JSON.stringify(chosen));
    else localStorage.removeItem(pickedKey);
    location.reload();
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
    if (!picked?.id) return {};
    const headers: Record<string, string> = { 'x-dev-user': picked.id };
    if (/^[\x20-\x7e\u00a0-\u00ff]{1,200}$/.test(picked.name)) headers['x-dev-user-name'] = picked.name;
    return headers;
  };
  return { identity, picker };
}

async function start(): Promise<void> {
  applyTheme(initialTheme());
  const view = viewFromUrl();
  document.title = view.mine ? 'My escalations' : view.tier ? 'Escalation Board' : 'Escalation Board';
  (document.getElementById('title') as HTMLElement).textContent = view.mine ? 'My escalations' : 'Escalation Board';

  // Both at once: the server's settings, and Teams (which answers only inside Teams).
  const [settings, context] = await Promise.all([
    fetch('/tab/settings.json').then((r) => r.json() as Promise<TabSettings>),
    connectToTeams(),
  ]);
  const inTeams = context !== undefined;
  if (context) followTeamsTheme(context);

  let identity: Identity;
  let api: BoardApi;
  if (inTeams && settings.sso) {
    const signIn = new TeamsSignIn(settings.sso, context);
    identity = async () => ({ authorization: `Bearer ${await signIn.token()}` });
    api = new BoardApi(identity, () => signIn.forget());
  } else if (settings.localMode) {
    const local = localIdentity(await localPeople());
    identity = local.identity;
    api = new BoardApi(identity);
    document.getElementById('who')?.append(local.picker);
    if (!inTeams)
      notice(
        'info',
        'Outside Teams: this is the local board. Pick whom to act as; in Teams you are who you signed in as.',
      );
  } else {
    notice(
      'warning',
      inTeams
        ? 'Single sign-on is not set up for this app (SSO_CLIENT_ID): ask whoever runs Escalation Desk.'
        : 'Outside Teams: open the Escalation Board from the Escalation Desk app in Teams.',
    );
    replaceChildren(document.getElementById('app') as HTMLElement);
    return;
  }

  try {
    const me = await api.me();
    if (inTeams) {
      const who = document.getElementById('who') as HTMLElement;
      replaceChildren(who, h('span', { class: 'me' }, me.name));
    }
    await startBoard(document.getElementById('app') as HTMLElement, {
      api,
      me,
      view,
      inTeams,
      channel: context?.channel?.displayName,
    });
  } catch (error) {
    const message = error instanceof ApiError ? error.message : 'The board could not be loaded; try again.';
    notice(
      'error',
      error instanceof ApiError && error.status === 401 ? `Signing in did not work: ${message}` : message,
    );
    (document.getElementById('app') as HTMLElement).removeAttribute('aria-busy');
  }
}

function followTeamsTheme(context: app.Context): void {
  const theme = themeNamed(context.app.theme);
  if (theme) applyTheme(theme);
  onThemeChange((name) => {
    const next = themeNamed(name);
    if (next) applyTheme(next);
  });
}

start().catch((error: unknown) => {
  notice('error', `The board could not start: ${error instanceof Error ? error.message : String(error)}`);
});
