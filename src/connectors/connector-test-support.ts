import { expect } from "vitest";
import {
  type Connector,
  ConnectorError,
  type FetchOptions,
  type Page,
  type RejectedRecord,
} from "./connector.ts";

export interface Collected<T> {
  pages: Page<T>[];
  records: T[];
  rejected: RejectedRecord[];
}

/** Reads a connector to the end and gathers what it yielded. */
export async function collectAll<T>(connector: Connector<T>, options?: FetchOptions): Promise<Collected<T>> {
  const collected: Collected<T> = { pages: [], records: [], rejected: [] };
  for await (const page of connector.fetchAll(options)) {
    collected.pages.push(page);
    collected.records.push(...page.records);
    collected.rejected.push(...page.rejected);
  }
  return collected;
}

/** Reads a connector expecting it to fail; returns the ConnectorError and what came before it. */
export async function collectFailure<T>(
  connector: Connector<T>,
  options?: FetchOptions,
): Promise<{ error: ConnectorError; pagesBefore: number }> {
  let pagesBefore = 0;
  try {
    for await (const _page of connector.fetchAll(options)) pagesBefore++;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return { error: error as ConnectorError, pagesBefore };
  }
  throw new Error("expected the read to fail, but it completed");
}

/** Rejection reasons keyed by nothing but order, for compact assertions. */
export function reasons(rejected: readonly RejectedRecord[]): string[] {
  return rejected.map((entry) => entry.reason);
}
