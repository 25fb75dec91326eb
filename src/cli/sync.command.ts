import { readFileSync } from "node:fs";
import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { cliActor } from "../domain/actor.ts";
import { AppError, isAppError } from "../domain/errors.ts";
import { type SyncRunDetail, SyncService } from "../services/sync/sync.service.ts";
import { connectorKindNames } from "../services/sync/sync-connectors.ts";
import { quietLog } from "../services/sync/sync-run.ts";
import { say, withRuntime } from "./runtime.ts";

/** What a run syncs: a module's key, or null for the PSA (the CLI imports no db types). */
type SyncScope = string | null;
type SyncCounts = SyncRunDetail["counts"];

/** `key=value`: the value as JSON when it parses (numbers, booleans), else as text. */
function parseAssignment(text: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("write key=value");
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "string" && parsed !== null) value = parsed;
  } catch {
    // plain text
  }
  return { ...previous, [text.slice(0, at)]: value };
}

/** `key=ENV_VAR`: the secret comes from the environment, so it stays out of the shell history. */
function parseSecretEnv(text: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("write key=ENV_VAR");
  const variable = text.slice(at + 1);
  const value = process.env[variable];
  if (value === undefined) throw new InvalidArgumentError(`environment variable ${variable} is not set`);
  return { ...previous, [text.slice(0, at)]: value };
}

interface ConfigureOptions {
  connector?: string;
  setting?: Record<string, unknown>;
  settingsFile?: string;
  secret?: Record<string, unknown>;
  secretEnv?: Record<string, unknown>;
  schedule?: string;
}

function configureInput(options: ConfigureOptions) {
  const fromFile = options.settingsFile
    ? (JSON.parse(readFileSync(options.settingsFile, "utf8")) as Record<string, unknown>)
    : {};
  const secrets = { ...options.secret, ...options.secretEnv };
  if (!options.connector && (options.setting || options.settingsFile || Object.keys(secrets).length > 0)) {
    throw new AppError("invalid_value", "--connector <kind> is needed with settings or secrets", {
      field: "connector",
    });
  }
  return {
    connector: options.connector
      ? {
          kind: options.connector,
          settings: { ...fromFile, ...options.setting },
          ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
        }
      : undefined,
    schedule: options.schedule,
  };
}

const summary = (label: string, run: SyncRunDetail) => {
  const c = run.counts;
  const unmapped = c.unmappedAtEnd === undefined ? "" : `, ${c.unmappedAtEnd} unmapped at the end`;
  const lines = [
    `${label}: ${run.outcome}: ${c.seen} seen, ${c.added} added, ${c.renamed} renamed, ${c.missing} missing, ${c.returned} returned, ${c.rejected} rejected${unmapped}; ${c.requests} requests${run.error ? ` (${run.error})` : ""}`,
  ];
  if (run.billing) lines.push(`${label} ${billingSummary(run.billing)}`);
  return lines.join("\n");
};

/** "usage: complete, 12 requests: 3 unchanged, ..." or "contracts: failed (rate_limited: ...), 6 requests; the previous contracts are kept". */
function billingSummary(billing: NonNullable<SyncRunDetail["billing"]>): string {
  const order =
    billing.part === "usage"
      ? ["unchanged", "changed", "opened", "unknown", "ignored", "rejected"]
      : ["services", "contracts", "contractServices", "contractServiceUnits", "rejected"];
  const counts = order
    .filter((name) => billing.counts[name] !== undefined)
    .map((name) => `${billing.counts[name]} ${name}`)
    .join(", ");
  const requests = `${billing.requestCount} request${billing.requestCount === 1 ? "" : "s"}`;
  if (billing.outcome === "complete") return `${billing.part}: complete, ${requests}: ${counts}`;
  const error = billing.error ? ` (${billing.error.code}: ${billing.error.message})` : "";
  const consequence =
    billing.part === "usage"
      ? `; readings unknown, not 0${counts === "" ? "" : ` (${counts})`}`
      : "; the previous contracts are kept";
  return `${billing.part}: failed${error}, ${requests}${consequence}`;
}

/** Runs one scope's sync in this process with a progress bar on stderr. */
async function runWithProgress(sync: SyncService, scope: SyncScope, label: string, wait: boolean) {
  const expected = (await sync.expectedRecords(scope)) ?? 0;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label.padEnd(16)} [{bar}] {value}/{total} records | {added} added, {renamed} renamed, {rejected} rejected`,
    hideCursor: true,
    clearOnComplete: false,
    barCompleteChar: "#",
    barIncompleteChar: "-",
  });
  bar.start(Math.max(expected, 1), 0, { added: 0, renamed: 0, rejected: 0 });
  const onProgress = (counts: SyncCounts) => {
    if (counts.seen >= bar.getTotal()) bar.setTotal(counts.seen + 1);
    bar.update(counts.seen, counts);
  };
  try {
    for (;;) {
      try {
        const started =
          scope === null
            ? await sync.startPsaSync("cli", { onProgress })
            : await sync.startModuleSync(scope, "cli", { onProgress });
        const run = await started.done;
        if (run.outcome === "succeeded") bar.setTotal(run.counts.seen);
        bar.update(run.counts.seen, run.counts);
        return run;
      } catch (error) {
        // --wait: a run under way elsewhere is waited for, then ours starts.
        if (!(wait && isAppError(error) && error.status === 409)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  } finally {
    bar.stop();
  }
}

/** `orgmap sync`, `orgmap modules configure|add`, `orgmap psa configure`. */
export function registerSyncCommands(program: Command): void {
  program
    .command("sync [moduleKey]")
    .description("sync a module (or --all modules, and/or --psa) now, in this process, with a progress bar")
    .option("--all", "every module that has a connector")
    .option("--psa", "the PSA's organizations (first, when combined with modules)")
    .option("--wait", "when a sync is under way elsewhere, wait for it to end instead of failing")
    .action((moduleKey: string | undefined, options: { all?: boolean; psa?: boolean; wait?: boolean }) =>
      withRuntime(async (opened, services) => {
        // The progress bar tells the story; info lines would only interleave with it.
        const ctx = { ...opened, log: quietLog(opened.log) };
        const sync = new SyncService(ctx, services.secretBox);
        const scopes: { scope: SyncScope; label: string }[] = [];
        if (options.psa) scopes.push({ scope: null, label: "PSA" });
        if (options.all) {
          for (const m of await services.modules.list())
            if (m.connector) scopes.push({ scope: m.key, label: m.key });
        } else if (moduleKey) scopes.push({ scope: moduleKey, label: moduleKey });
        if (scopes.length === 0) throw new AppError("bad_request", "name a module, or use --all or --psa");
        const stop = () => void sync.close();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        let failed = 0;
        try {
          for (const { scope, label } of scopes) {
            const run = await runWithProgress(sync, scope, label, options.wait === true);
            say(summary(label, run));
            if (run.outcome !== "succeeded") failed += 1;
          }
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          await sync.close();
        }
        if (failed > 0) process.exitCode = 1;
      }),
    );

  const addConfigureOptions = (command: Command) =>
    command
      .option(
        "--connector <kind>",
        `connector kind (${connectorKindNames("module").join(", ")}; ${connectorKindNames("psa").join(" or ")} for the PSA)`,
      )
      .option("--setting <key=value>", "a connector setting (repeatable)", parseAssignment)
      .option("--settings-file <file.json>", "connector settings from a JSON file")
      .option("--secret <key=value>", "a credential (repeatable; prefer --secret-env)", parseAssignment)
      .option("--secret-env <key=ENV_VAR>", "a credential read from an environment variable", parseSecretEnv)
      .option(
        "--schedule <cron>",
        'sync schedule, five-field cron in the instance time zone (default "0 2 * * *")',
      );

  const modules = program.commands.find((c) => c.name() === "modules") ?? program.command("modules");
  modules.description("manage modules");
  modules
    .command("add <key> <name>")
    .description("add a module")
    .action((key: string, name: string) =>
      withRuntime(async (_ctx, services) => {
        await services.modules.create(cliActor, { key, name });
        say(`module ${key} added`);
      }),
    );
  addConfigureOptions(
    modules.command("configure <key>").description("set a module's connector and schedule"),
  ).action((key: string, options: ConfigureOptions) =>
    withRuntime(async (_ctx, services) => {
      await services.syncConfig.configureModule(cliActor, key, configureInput(options));
      const view = await services.modules.get(key);
      say(`module ${key}: connector ${view.connector?.kind ?? "none"}, schedule "${view.schedule}"`);
    }),
  );

  const psa = program.commands.find((c) => c.name() === "psa") ?? program.command("psa");
  psa.description("the PSA connection");
  addConfigureOptions(psa.command("configure").description("set the PSA connector and schedule")).action(
    (options: ConfigureOptions) =>
      withRuntime(async (_ctx, services) => {
        const view = await services.syncConfig.configurePsa(cliActor, configureInput(options));
        say(`PSA: connector ${view.connector?.kind ?? "none"}, schedule "${view.schedule}"`);
      }),
  );
}
