import { type QueryClient, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type RefObject, useEffect, useMemo, useState } from "react";

/** One answer of an offset-paged list: the rows, and (for the first block) how many rows match. */
export interface OffsetPage<TItem> {
  items: TItem[];
  total?: number | null | undefined;
}

/**
 * Where a virtualized list gets its rows: blocks of `blockSize` rows, each fetched by its offset. Every
 * block's query key is `[...key, "block", n]`, so `key` must hold the filters (new filters, new blocks).
 */
export interface OffsetBlockSource<TPage extends OffsetPage<unknown>> {
  key: readonly unknown[];
  blockSize: number;
  /** Rows `offset` to `offset + limit - 1`; `withTotal` is asked for the first block only. */
  fetch(params: { offset: number; limit: number; withTotal: boolean; signal: AbortSignal }): Promise<TPage>;
}

type ItemOf<TPage> = TPage extends OffsetPage<infer TItem> ? TItem : never;

/** Unobserved blocks leave the cache after this long (and sooner when too many are cached). */
export const BLOCK_GC_MS = 30_000;
/** Rows beyond the visible window whose block is fetched too (so a slow scroll rarely sees placeholders). */
const FETCH_OVERSCAN_ROWS = 30;
/** After a jump (scrollbar drag, End key), blocks are fetched once the window rests this long. */
const JUMP_SETTLE_MS = 90;
/** Blocks kept in the cache per list at most (observed ones always stay): about 3,000 rows. */
const MAX_CACHED_BLOCKS = 30;

/** Query options for one block (rows `block * blockSize` on); block 0 also asks for the total. */
export function offsetBlockOptions<TPage extends OffsetPage<unknown>>(
  source: OffsetBlockSource<TPage>,
  block: number,
) {
  return {
    queryKey: [...source.key, "block", block],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      source.fetch({
        offset: block * source.blockSize,
        limit: source.blockSize,
        withTotal: block === 0,
        signal,
      }),
    gcTime: BLOCK_GC_MS,
  };
}

/**
 * The first block: the total row count (the virtualizer's size) and the first rows. While other
 * filters load, the previous answer stays on screen. The list's block 0 shares this cache entry.
 */
export function useFirstBlock<TPage extends OffsetPage<unknown>>(source: OffsetBlockSource<TPage>) {
  return useQuery({ ...offsetBlockOptions(source, 0), placeholderData: (previous) => previous });
}

/** The rows of every cached block of a source, in list order (what "loaded rows" means). */
export function cachedBlockItems<TPage extends OffsetPage<unknown>>(
  queryClient: QueryClient,
  source: OffsetBlockSource<TPage>,
): ItemOf<TPage>[] {
  const blockAt = source.key.length + 1;
  return queryClient
    .getQueryCache()
    .findAll({ queryKey: [...source.key, "block"] })
    .filter((query) => query.state.data !== undefined)
    .sort((a, b) => Number(a.queryKey[blockAt]) - Number(b.queryKey[blockAt]))
    .flatMap((query) => (query.state.data as TPage).items as ItemOf<TPage>[]);
}

/** The rows of each block of the window, in block order (undefined while a block is not loaded). */
function itemsOfBlocks<TPage extends OffsetPage<unknown>>(results: { data?: TPage | undefined }[]) {
  return results.map((result) => result.data?.items as ItemOf<TPage>[] | undefined);
}

interface BlockRange {
  from: number;
  to: number;
}

/**
 * Which blocks to fetch: those of the visible window, at once while the window moves to a block next
 * to the ones already wanted (a wheel or keyboard scroll), but only once it rests after a jump, so that
 * dragging the scrollbar across 40,000 rows does not fetch every block it passes.
 */
function useSettledBlocks(wanted: BlockRange): BlockRange {
  const [settled, setSettled] = useState(wanted);
  useEffect(() => {
    if (wanted.from === settled.from && wanted.to === settled.to) return;
    const isNear = wanted.from <= settled.to + 1 && wanted.to >= settled.from - 1;
    if (isNear) {
      setSettled(wanted);
      return;
    }
    const timer = setTimeout(() => setSettled(wanted), JUMP_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [wanted, settled]);
  return settled;
}

/** A loaded row inside the virtual window, with its position in the whole list. */
export interface WindowRow<TItem> {
  index: number;
  row: TItem;
}

interface OffsetBlocksOptions<TPage extends OffsetPage<unknown>> {
  source: OffsetBlockSource<TPage>;
  /** Every row that matches the filters (from the first block): the virtualizer's size. */
  total: number;
  rowHeight: number;
  scrollRef: RefObject<HTMLElement | null>;
  /** A row's identity: a row already in the window (the list shifted between two fetches) waits. */
  getRowId(row: ItemOf<TPage>): string;
}

/**
 * A virtualized list sized for every row from the start (`total`) that fetches only the blocks of the
 * visible window (plus a small overscan), by offset: cached per block and filters, cancelled when the
 * window moves on, and dropped from the cache when far away. New filters scroll back to the top.
 * `windowRows` holds the loaded rows of the window; the other virtual items are placeholders.
 */
export function useOffsetBlocks<TPage extends OffsetPage<unknown>>(options: OffsetBlocksOptions<TPage>) {
  const { source, total, rowHeight, scrollRef, getRowId } = options;
  const queryClient = useQueryClient();
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const firstIndex = virtualItems[0]?.index ?? 0;
  const lastIndex = virtualItems.at(-1)?.index ?? 0;

  // New filters: back to the top.
  const sourceKey = JSON.stringify(source.key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the filters change
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [sourceKey]);

  const { blockSize } = source;
  const lastBlock = Math.max(0, Math.ceil(total / blockSize) - 1);
  const wantedFrom = Math.floor(Math.max(0, firstIndex - FETCH_OVERSCAN_ROWS) / blockSize);
  const wantedTo = Math.min(lastBlock, Math.floor((lastIndex + FETCH_OVERSCAN_ROWS) / blockSize));
  const wanted = useMemo(() => ({ from: wantedFrom, to: wantedTo }), [wantedFrom, wantedTo]);
  const settled = useSettledBlocks(wanted);
  const blocks = useMemo(() => {
    const list: number[] = [];
    for (let block = wanted.from; block <= wanted.to; block++) list.push(block);
    return list;
  }, [wanted]);
  const blockItems = useQueries({
    queries: blocks.map((block) => ({
      ...offsetBlockOptions(source, block),
      // A block shows from the cache at once; it is fetched once the window rests on it.
      enabled: block >= settled.from && block <= settled.to,
    })),
    combine: itemsOfBlocks<TPage>,
  });

  // Memory stays bounded: past MAX_CACHED_BLOCKS, the unobserved blocks farthest from the window go.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the source is represented by sourceKey
  useEffect(() => {
    const cache = queryClient.getQueryCache();
    const cached = cache.findAll({ queryKey: [...source.key, "block"] });
    if (cached.length <= MAX_CACHED_BLOCKS) return;
    const center = (settled.from + settled.to) / 2;
    const blockAt = source.key.length + 1;
    const distance = (key: readonly unknown[]) => Math.abs(Number(key[blockAt]) - center);
    const removable = cached
      .filter((query) => query.getObserversCount() === 0)
      .sort((a, b) => distance(b.queryKey) - distance(a.queryKey));
    for (const query of removable.slice(0, cached.length - MAX_CACHED_BLOCKS)) cache.remove(query);
  }, [settled, sourceKey, queryClient]);

  // The window's rows only: a table's row model is rebuilt per frame for ~40 rows, not for every
  // loaded row. The array keeps its identity while nothing changes (a new one makes a table reset its
  // state, which renders again).
  // biome-ignore lint/correctness/useExhaustiveDependencies: getRowId is a pure function of the row
  const windowRows = useMemo(() => {
    const seen = new Set<string>();
    return virtualItems.flatMap((item): WindowRow<ItemOf<TPage>>[] => {
      const row = blockItems[Math.floor(item.index / blockSize) - wanted.from]?.[item.index % blockSize];
      if (row === undefined) return [];
      const id = getRowId(row);
      if (seen.has(id)) return [];
      seen.add(id);
      return [{ index: item.index, row }];
    });
  }, [virtualItems, blockItems, wanted.from, blockSize]);

  return { virtualizer, virtualItems, windowRows, rowHeight };
}
