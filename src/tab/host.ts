// Whether the page may be inside a host (Teams, Outlook, Microsoft 365): asked before teams-js is
// loaded, so a page opened on its own needs none of it.

/** A page opened on its own has no parent window: teams-js would wait a minute for a host. */
export function framedOrOpened(): boolean {
  return window.parent !== window || window.opener != null || 'nativeInterface' in window;
}
