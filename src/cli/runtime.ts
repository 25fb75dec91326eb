import { loadConfig } from "../config.ts";
import { type OpenedContext, openContext } from "../context.ts";
import { createServices, type Services } from "../services/index.ts";

/** Opens the context and services for one CLI command, and closes them after it. */
export async function withRuntime<T>(
  work: (ctx: OpenedContext, services: Services) => Promise<T>,
): Promise<T> {
  const ctx = await openContext(loadConfig());
  try {
    return await work(ctx, createServices(ctx));
  } finally {
    await ctx.close();
  }
}

export { say } from "./say.ts";
