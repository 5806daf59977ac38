/*
 * The elements' shadow DOM without a template engine: each element builds its nodes once and then
 * sets, on every update, only what changed. Nothing here parses markup: text becomes Text nodes and
 * attribute values go through setAttribute, so a label or a message that holds markup stays text,
 * and no Trusted Types sink (innerHTML) is ever touched. Attribute names are this code's own
 * constants, never `style` (the contract's CSP refuses inline styles) nor an event handler.
 */

/** An element with `attributes`, holding `children` in order (strings as Text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const name in attributes) element.setAttribute(name, attributes[name]!);
  element.append(...children);
  return element;
}

/**
 * Gives `element` the attribute `name` with `value` (`''` for a boolean attribute that holds), or
 * removes it for false and undefined; an attribute that already holds the value is left untouched.
 */
export function attr(element: Element, name: string, value: string | false | undefined): void {
  if (value === false || value === undefined) element.removeAttribute(name);
  else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Sets the text of `node`, only when it changed: a live region re-announces every new text node. */
export function text(node: Node, value: string): void {
  if (node.textContent !== value) node.textContent = value;
}
