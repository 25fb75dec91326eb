import { ConnectorError } from "../connector.ts";

/**
 * Guards a chain of `nextPageUrl` links against a vendor that loops (the same URL again) or
 * never ends, which would otherwise keep a sync running until its time limit.
 */
export class PageChain {
  private readonly visited = new Set<string>();

  constructor(
    private readonly vendor: string,
    private readonly maxPages = 100_000,
  ) {}

  /** Records a URL about to be fetched; throws when it was fetched before or the chain is too long. */
  visit(url: string): void {
    if (this.visited.has(url)) {
      throw new ConnectorError(`${this.vendor}: the next page link points back to a page already read`);
    }
    if (this.visited.size >= this.maxPages) {
      throw new ConnectorError(`${this.vendor}: more than ${this.maxPages} pages; stopping`);
    }
    this.visited.add(url);
  }
}
