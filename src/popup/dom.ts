/** A new element with a class and text (text only: names and URLs come from the network, never parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** Sets a node's text only when it changed (a live region or a selection is not disturbed for nothing). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
