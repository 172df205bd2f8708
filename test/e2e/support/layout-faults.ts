/**
 * What is wrong with a page's layout at its current size, read from the boxes Chromium laid out:
 * a container that scrolls sideways, an element that sticks out of the box that clips it or out of
 * the window, content wider than its own box (text spilling over its neighbour), and siblings that
 * overlap. Text shortened on purpose (`text-overflow: ellipsis`, line clamps) is not a fault.
 */
import type { Page } from 'playwright-core';

export interface LayoutScope {
  /** Elements that must not scroll sideways (scrollWidth ≤ clientWidth). */
  readonly containers: readonly string[];
  /** Elements whose every descendant must stay inside its box and off its siblings. */
  readonly parts: readonly string[];
}

/** One line per fault, naming the element (tag, class, test id, its first words); empty when the layout holds. */
export function layoutFaults(page: Page, scope: LayoutScope): Promise<string[]> {
  return page.evaluate(findLayoutFaults, { containers: [...scope.containers], parts: [...scope.parts] });
}

/* The page's own types, reduced to what is read here: tsconfig.node has no DOM lib, on purpose. */
interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface Style {
  readonly display: string;
  readonly position: string;
  readonly visibility: string;
  readonly overflowX: string;
  readonly textOverflow: string;
  readonly webkitLineClamp: string;
  readonly opacity: string;
}
interface Node {
  readonly tagName: string;
  readonly className: unknown;
  readonly textContent: string | null;
  readonly parentElement: Node | null;
  readonly children: Iterable<Node>;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Box;
  getClientRects(): Iterable<Box>;
  querySelectorAll(selector: string): Iterable<Node>;
}
interface PageGlobals {
  readonly document: { querySelectorAll(selector: string): Iterable<Node> };
  readonly innerWidth: number;
  getComputedStyle(element: Node): Style;
}

/** Runs in the page: self-contained (Playwright sends its source), so its helpers are inside it. */
function findLayoutFaults(scope: { containers: string[]; parts: string[] }): string[] {
  const page = globalThis as unknown as PageGlobals;
  const slack = 1;
  const faults = new Set<string>();
  const name = (element: Node): string => {
    const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
    const testId = element.getAttribute('data-testid');
    const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `${element.tagName.toLowerCase()}${classes}${testId ? `[${testId}]` : ''} "${text}"`;
  };
  const shown = (element: Node): boolean => {
    const style = page.getComputedStyle(element);
    const box = element.getBoundingClientRect();
    // Visually hidden labels are 1 px boxes; a zero box takes no place.
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > slack && box.height > slack;
  };
  const shortenedOnPurpose = (style: Style): boolean =>
    style.textOverflow === 'ellipsis' || (style.webkitLineClamp !== 'none' && style.webkitLineClamp !== '');
  const boxesOf = (element: Node): Box[] =>
    page.getComputedStyle(element).display === 'inline' ? [...element.getClientRects()] : [element.getBoundingClientRect()];
  const overlap = (a: Box, b: Box): boolean =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;

  for (const selector of scope.containers) {
    for (const container of page.document.querySelectorAll(selector)) {
      if (shown(container) && container.scrollWidth > container.clientWidth + slack) {
        faults.add(`${name(container)} scrolls sideways: ${container.scrollWidth} px of content in ${container.clientWidth} px`);
      }
    }
  }

  for (const selector of scope.parts) {
    for (const part of page.document.querySelectorAll(selector)) {
      if (!shown(part)) continue;
      for (const element of [part, ...part.querySelectorAll('*')]) {
        if (!shown(element)) continue;
        const style = page.getComputedStyle(element);
        const box = element.getBoundingClientRect();
        if (box.right > page.innerWidth + slack || box.left < -slack) {
          faults.add(`${name(element)} leaves the window: ${Math.round(box.left)}–${Math.round(box.right)} of ${page.innerWidth} px`);
        }
        // Content wider than its box spills over (overflow visible) or is cut (hidden), unless shortened on purpose.
        if (style.display !== 'inline' && element.clientWidth > 0 && element.scrollWidth > element.clientWidth + slack) {
          if (style.overflowX === 'visible' || (style.overflowX === 'hidden' && !shortenedOnPurpose(style))) {
            faults.add(`${name(element)} overflows its box: ${element.scrollWidth} px of content in ${element.clientWidth} px`);
          }
        }
        // Inside a box that clips: each child must lie within it sideways.
        if (element !== part && style.overflowX === 'hidden' && !shortenedOnPurpose(style)) {
          for (const child of element.children) {
            const childBox = child.getBoundingClientRect();
            if (shown(child) && (childBox.left < box.left - slack || childBox.right > box.right + slack)) {
              faults.add(`${name(child)} is cut by ${name(element)}`);
            }
          }
        }
        // Siblings in the flow never overlap (absolutely placed badges sit on their picture on purpose).
        const flow = [...element.children].filter((child) => {
          const childStyle = page.getComputedStyle(child);
          return shown(child) && childStyle.position !== 'absolute' && childStyle.position !== 'fixed';
        });
        flow.forEach((first, index) => {
          for (const second of flow.slice(index + 1)) {
            if (boxesOf(first).some((a) => boxesOf(second).some((b) => overlap(a, b)))) {
              faults.add(`${name(first)} overlaps ${name(second)}`);
            }
          }
        });
      }
    }
  }
  return [...faults];
}
