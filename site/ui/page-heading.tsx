import { onMount, type JSX } from 'solid-js';
import { t } from '../i18n/i18n.ts';
import { consumeNavigationFocus } from './focus.ts';

/**
 * The page's one h1. It names the document (so the tab and screen-reader history say where you are) and, after an
 * in-app navigation, takes focus so a screen reader announces the new page instead of staying on the clicked link.
 */
export function PageHeading(props: { children: JSX.Element; title: string }) {
  let el!: HTMLHeadingElement;
  onMount(() => {
    document.title = `${props.title} · ${t().app.name}`;
    if (consumeNavigationFocus()) el.focus();
  });
  return (
    <h1 ref={el} tabindex="-1" class="page-heading">
      {props.children}
    </h1>
  );
}
