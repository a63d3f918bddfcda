// The channel tab's configuration page (pages.config): choose the tier whose board the tab shows;
// Teams saves the board's address with that tier.
import { pages } from '@microsoft/teams-js';
import { targetLabels, targets } from '../domain/vocabulary';
import { h } from './dom';
import { connectToTeams, followTheme } from './teams';
import { applyTheme, initialTheme } from './theme';

async function configure(): Promise<void> {
  applyTheme(initialTheme());
  const select = document.getElementById('tier') as HTMLSelectElement;
  const status = document.getElementById('config-status') as HTMLElement;
  for (const target of targets) select.append(h('option', { value: target }, targetLabels[target]));

  const context = await connectToTeams();
  if (!context) {
    status.textContent = 'Outside Teams: add the board to a channel from Teams to choose its tier here.';
    return;
  }
  followTheme(context);

  // Reconfiguring a tab: start from the tier it shows.
  const current = await pages.getConfig().catch(() => undefined);
  const saved = current?.contentUrl ? new URL(current.contentUrl).searchParams.get('tier') : null;
  if (saved && (targets as readonly string[]).includes(saved)) select.value = saved;
  pages.config.registerOnSaveHandler((save) => {
    const tier = select.value;
    const board = new URL('index.html', location.href);
    if (tier) board.searchParams.set('tier', tier);
    const name = tier ? `${targetLabels[tier as keyof typeof targetLabels]} escalations` : 'Escalation Board';
    pages.config
      .setConfig({
        contentUrl: board.href,
        websiteUrl: board.href,
        entityId: `board-${tier || 'all'}`,
        suggestedDisplayName: name,
      })
      .then(
        () => save.notifySuccess(),
        (error: unknown) => save.notifyFailure(error instanceof Error ? error.message : String(error)),
      );
  });
  pages.config.setValidityState(true);
  select.addEventListener('change', () => {
    pages.config.setValidityState(true);
    status.textContent = select.value
      ? `This tab will show ${select.selectedOptions[0]?.textContent} escalations.`
      : 'This tab will show every tier.';
  });
}

configure().catch((error: unknown) => {
  const status = document.getElementById('config-status');
  if (status)
    status.textContent = `The configuration page could not start: ${error instanceof Error ? error.message : String(error)}`;
});
