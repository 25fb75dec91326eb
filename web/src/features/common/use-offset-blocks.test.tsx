// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { cachedBlockItems, type OffsetBlockSource, useOffsetBlocks } from "./use-offset-blocks.ts";

afterEach(cleanup);

const TOTAL = 65_000;
const ROW = 30;

/** A list of TOTAL rows answering by offset, recording every request. */
function listSource(key: string) {
  const calls: { offset: number; limit: number; withTotal: boolean }[] = [];
  const source: OffsetBlockSource<{ items: { id: string }[]; total: number | null }> = {
    key: [key],
    blockSize: 100,
    fetch: async ({ offset, limit, withTotal }) => {
      calls.push({ offset, limit, withTotal });
      const items = Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, i) => ({
        id: `row-${offset + i}`,
      }));
      return { items, total: withTotal ? TOTAL : null };
    },
  };
  return { source, calls };
}

/** A scroll container 600 px high (happy-dom lays nothing out, so its sizes are set by hand). */
function scrollBox() {
  const element = document.createElement("div");
  Object.defineProperty(element, "offsetHeight", { value: 600 });
  Object.defineProperty(element, "clientHeight", { value: 600 });
  element.getBoundingClientRect = () => ({
    width: 800,
    height: 600,
    top: 0,
    left: 0,
    right: 800,
    bottom: 600,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  document.body.append(element);
  return element;
}

function setup(key: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  const { source, calls } = listSource(key);
  const element = scrollBox();
  const scrollRef = { current: element };
  const hook = renderHook(
    () => useOffsetBlocks({ source, total: TOTAL, rowHeight: ROW, scrollRef, getRowId: (row) => row.id }),
    { wrapper },
  );
  return { hook, calls, element, queryClient, source };
}

describe("useOffsetBlocks", () => {
  it("fetches only the block on screen of 65,000 rows, and sizes the list for all of them", async () => {
    const { hook, calls } = setup("first");
    await waitFor(() => expect(hook.result.current.windowRows.length).toBeGreaterThan(0));
    expect(hook.result.current.virtualizer.getTotalSize()).toBe(TOTAL * ROW);
    expect(calls.map((c) => c.offset)).toEqual([0]);
    expect(calls[0]?.withTotal).toBe(true);
    expect(hook.result.current.windowRows[0]).toEqual({ index: 0, row: { id: "row-0" } });
  });

  it("a jump to row 40,000 fetches the blocks there by offset, not the ones in between", async () => {
    const { hook, calls, element, queryClient, source } = setup("jump");
    await waitFor(() => expect(hook.result.current.windowRows.length).toBeGreaterThan(0));
    act(() => {
      element.scrollTop = 40_000 * ROW;
      element.dispatchEvent(new Event("scroll"));
    });
    await waitFor(() =>
      expect(hook.result.current.windowRows.some((r) => r.row.id === "row-40000")).toBe(true),
    );
    const offsets = calls.map((c) => c.offset);
    expect(offsets[0]).toBe(0);
    expect(offsets.slice(1).every((offset) => offset >= 39_900 && offset <= 40_100)).toBe(true);
    expect(offsets.slice(1).every((offset) => offset % 100 === 0)).toBe(true);
    expect(calls.slice(1).every((c) => !c.withTotal)).toBe(true);
    // Loaded rows in list order: block 0, then the blocks around row 40,000.
    const loaded = cachedBlockItems(queryClient, source).map((row) => row.id);
    expect(loaded[0]).toBe("row-0");
    expect(loaded).toContain("row-40000");
  });
});
