// An @mention in a Teams message: the name between <at> tags, escaped, as the text and its
// mention entity must both say it.

export function atMention(name: string): string {
  return `<at>${name.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] as string)}</at>`;
}
