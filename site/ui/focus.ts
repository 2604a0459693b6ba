// The first page shown keeps the browser's natural focus (top of the document); every heading mounted after that
// belongs to an in-app navigation and takes focus, so a screen reader announces the new page.
let first = true;

export function consumeNavigationFocus(): boolean {
  const wasFirst = first;
  first = false;
  return !wasFirst;
}
