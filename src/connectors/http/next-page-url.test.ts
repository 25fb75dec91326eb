import { describe, expect, it } from "vitest";
import { ConnectorError } from "../connector.ts";
import { resolveNextPageUrl } from "./next-page-url.ts";
import { PageChain } from "./page-chain.ts";

describe("resolveNextPageUrl", () => {
  it("accepts absolute and relative links on the configured origin", () => {
    expect(resolveNextPageUrl("X", "https://a.test/api", "https://a.test/api/v2/x?page=1")).toBe(
      "https://a.test/api/v2/x?page=1",
    );
    expect(resolveNextPageUrl("X", "https://a.test/api", "/v2/x?page=1")).toBe("https://a.test/v2/x?page=1");
  });

  it("refuses to send credentials to another origin", () => {
    expect(() => resolveNextPageUrl("X", "https://a.test", "https://evil.test/next")).toThrow(
      /points to https:\/\/evil.test.*refusing/,
    );
  });
});

describe("resolveNextPageUrl with vendor origins", () => {
  it("follows a link to another host the vendor owns", () => {
    const isVendor = (url: URL) => url.hostname.endsWith(".vendor.test");
    expect(resolveNextPageUrl("X", "https://a.vendor.test", "https://b.vendor.test/n", isVendor)).toBe(
      "https://b.vendor.test/n",
    );
    expect(() =>
      resolveNextPageUrl("X", "https://a.vendor.test", "https://vendor.test.evil/n", isVendor),
    ).toThrow(ConnectorError);
  });
});

describe("PageChain", () => {
  it("stops a vendor that links back to a page already read", () => {
    const chain = new PageChain("X");
    chain.visit("https://a.test/1");
    chain.visit("https://a.test/2");
    expect(() => chain.visit("https://a.test/1")).toThrow(ConnectorError);
  });

  it("stops a chain longer than its limit", () => {
    const chain = new PageChain("X", 2);
    chain.visit("u1");
    chain.visit("u2");
    expect(() => chain.visit("u3")).toThrow(/more than 2 pages/);
  });
});
