import { ConnectorError } from "../connector.ts";

/**
 * Resolves a vendor's `nextPageUrl` against the configured base URL and refuses to follow it to
 * another origin: the request carries credentials, which must only go to the host the admin chose.
 */
export function resolveNextPageUrl(
  vendor: string,
  baseUrl: string,
  next: string,
  /** Other origins the vendor itself owns, e.g. another Autotask zone host. */
  isVendorOrigin: (url: URL) => boolean = () => false,
): string {
  let resolved: URL;
  try {
    resolved = new URL(next, `${baseUrl}/`);
  } catch {
    throw new ConnectorError(`${vendor}: the next page URL is not a URL`);
  }
  const base = new URL(baseUrl);
  if (resolved.origin !== base.origin && !isVendorOrigin(resolved)) {
    throw new ConnectorError(
      `${vendor}: the next page URL points to ${resolved.origin}, not to the configured ${base.origin}; refusing to send credentials there`,
    );
  }
  return resolved.toString();
}
