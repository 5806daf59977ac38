/* A bare Lit element to attach one controller to, for the controller tests. */
import { LitElement, html, type TemplateResult } from 'lit';
import { track } from './elements.ts';

export class TestHost extends LitElement {
  override render(): TemplateResult {
    return html`<button type="button">host</button>`;
  }

  get button(): HTMLButtonElement | null {
    return this.renderRoot.querySelector('button');
  }
}

customElements.define('linkgate-test-host', TestHost);

/** A host in the document, rendered; unmountAll() removes it. */
export async function mountHost(): Promise<TestHost> {
  const host = track(document.createElement('linkgate-test-host') as TestHost);
  document.body.append(host);
  await host.updateComplete;
  return host;
}
