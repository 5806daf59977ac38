import type { LinkView, LinkgateClient } from '../client.ts';

/** The query parameter that names the link when the buyer comes back from a full-page redirect. */
export const resumeParameter = 'linkgate_link';

/**
 * The way back from a full-page redirect: the return page sends the buyer to `returnTo` with
 * `?linkgate_link=<linkId>` added. The first element whose provider the link is takes the parameter
 * out of the URL and carries on with the link; every other element leaves it alone. The element's
 * link controller asks it when it checks where the buyer stands, and aborts the look with its run.
 */
export class ResumeController {
  /** The link this element has looked at: another provider's, or one it has taken. */
  #seen: string | undefined;

  /** The link the URL names, unless this host has already looked at it. */
  get linkId(): string | undefined {
    const linkId = new URL(window.location.href).searchParams.get(resumeParameter) ?? undefined;
    return linkId === this.#seen ? undefined : linkId;
  }

  /**
   * Asks the BFF about the link the URL names; if it is `provider`'s and still in the URL (several
   * elements may look at one link), takes the parameter out and returns the link.
   */
  async take(client: LinkgateClient, provider: string, signal: AbortSignal): Promise<LinkView | undefined> {
    const linkId = this.linkId;
    if (!linkId) return undefined;
    // Not now (no session yet, offline, not found, aborted): a later look may try again.
    const view = await client.getLink(linkId, { signal }).catch(() => undefined);
    if (!view || signal.aborted) return undefined;
    this.#seen = linkId;
    const url = new URL(window.location.href);
    if (view.provider !== provider || url.searchParams.get(resumeParameter) !== linkId) return undefined;
    url.search = url.search
      .slice(1)
      .split('&')
      .filter((part) => part.split('=')[0] !== resumeParameter)
      .join('&');
    history.replaceState(history.state, '', url.href);
    return view;
  }
}
