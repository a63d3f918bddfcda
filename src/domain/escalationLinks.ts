// The links Escalation Desk gives out, read back: the short link (/escalations/ESC-12), the board's
// (/tab/...?escalation=ESC-12), the signed brief (/api/escalations/ESC-12/brief.txt?...) and the
// API's (/api/escalations/ESC-12). A pasted one unfurls into the escalation's card
// (src/teams/linkUnfurl.ts); a link elsewhere, or to no escalation, names none.
import { escalationIdPattern } from './escalation';

const paths = [/^\/escalations\/(ESC-\d{1,16})\/?$/i, /^\/api\/escalations\/(ESC-\d{1,16})(?:\/brief\.txt)?\/?$/i];

/** The escalation id a link of ours names, or undefined. */
export function escalationIdInLink(link: string, publicUrl: string): string | undefined {
  let url: URL;
  let ours: URL;
  try {
    url = new URL(link.trim().slice(0, 2048));
    ours = new URL(publicUrl);
  } catch {
    return undefined;
  }
  if (url.host.toLowerCase() !== ours.host.toLowerCase()) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const named =
    paths.map((shape) => shape.exec(path)?.[1]).find(Boolean) ??
    (path.startsWith('/tab/') ? url.searchParams.get('escalation') : null);
  const id = named?.toUpperCase();
  return id && escalationIdPattern.test(id) ? id : undefined;
}
