import { randomBytes } from "node:crypto";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../config.ts";
import { openContext } from "../context.ts";
import { cliActor } from "../domain/actor.ts";
import { ROLES, type Role } from "../domain/role.ts";
import { UserEmail } from "../http/user.routes.ts";
import { DemoService } from "../services/demo/demo.service.ts";
import { createServices } from "../services/index.ts";
import { registerAlertCommands } from "./alerts.command.ts";
import { registerImportExportCommands } from "./import-export.command.ts";
import { registerMatchCommand } from "./match.program.ts";
import { registerPostCommand } from "./post.command.ts";
import { registerReconcileCommand } from "./reconcile.command.ts";
import { runProgram } from "./run-program.ts";
import { say, withRuntime } from "./runtime.ts";
import { runUntilStopped, serve } from "./serve.command.ts";
import { buildWebIfNeeded, prepareFirstStart } from "./start.command.ts";
import { registerSyncCommands } from "./sync.command.ts";

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError("a port is 0-65535");
  return port;
}

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${ROLES.join(", ")}`);
  return value as Role;
}

/** The API's rule (src/http/user.routes.ts): an e-mail address, trimmed, case kept. */
function parseEmail(value: string): string {
  const parsed = UserEmail.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError("an e-mail address");
  return parsed.data;
}

/** Builds the command tree. Each command calls services, never SQL. */
export function buildProgram(): Command {
  const program = new Command("orgmap")
    .description(
      "Map every module organization of an MSP's tools to the PSA organization that receives the bill.",
    )
    .showHelpAfterError();

  const runServer = async (options: { port?: number; host?: string }, first: boolean) => {
    const config = loadConfig();
    if (first) await buildWebIfNeeded();
    const ctx = await openContext(config);
    const services = createServices(ctx);
    if (first) await prepareFirstStart(ctx, services);
    const app = await serve(ctx, services, {
      port: options.port ?? config.port,
      host: options.host ?? config.host,
    });
    await runUntilStopped(app, ctx);
  };

  program
    .command("serve")
    .description("start the web app and the API")
    .option("-p, --port <port>", "port to listen on (default: PORT or 3000)", parsePort)
    .option("--host <host>", "address to listen on (default: HOST or 127.0.0.1)")
    .action((options) => runServer(options, false));

  program
    .command("start")
    .description("build the web app if needed, load the demo on a first start, then serve")
    .option("-p, --port <port>", "port to listen on", parsePort)
    .option("--host <host>", "address to listen on")
    .action((options) => runServer(options, true));

  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(() =>
      withRuntime(async (ctx) => {
        say(`database is up to date (${ctx.databaseKind})`);
      }),
    );

  program
    .command("demo")
    .description("load a realistic demo instance (refuses when organizations exist)")
    .action(() =>
      withRuntime(async (ctx) => {
        const demo = new DemoService(ctx);
        if (!(await demo.isEmpty()))
          throw new Error("this instance has organizations already; the demo loads only into an empty one");
        const loaded = await demo.load(cliActor);
        say(
          `Demo loaded: ${loaded.organizations} organizations, ${loaded.modules} modules, ${loaded.moduleOrganizations} module organizations, ${loaded.changes} changes recorded.`,
        );
      }),
    );

  const users = program.command("users").description("manage users");
  users
    .command("create")
    .description("create a user (prints a generated password when none is given)")
    .requiredOption("--username <name>")
    .requiredOption("--role <role>", ROLES.join("|"), parseRole)
    .option("--password <password>", "at least 12 characters (default: generated and printed)")
    .option("--email <address>", "e-mail address; single sign-on signs this user in by it", parseEmail)
    .action((options: { username: string; role: Role; password?: string; email?: string }) =>
      withRuntime(async (_ctx, services) => {
        const password = options.password ?? randomBytes(15).toString("base64url");
        const user = await services.auth.createUser(cliActor, {
          username: options.username,
          role: options.role,
          password,
          ...(options.email !== undefined ? { email: options.email } : {}),
        });
        say(`user ${user.username} (${user.role})${user.email ? ` <${user.email}>` : ""} created`);
        if (!options.password) process.stdout.write(`${password}\n`);
      }),
    );
  users
    .command("reset-password")
    .description("reset a user's password to a one-time one, printed once (changed at the next sign-in)")
    .requiredOption("--username <name>")
    .action((options: { username: string }) =>
      withRuntime(async (_ctx, services) => {
        const { password } = await services.passwordReset.resetByUsername(cliActor, options.username);
        say(`password of ${options.username} reset; it must be changed at the next sign-in`);
        process.stdout.write(`${password}\n`);
      }),
    );
  users
    .command("list")
    .description("list users")
    .action(() =>
      withRuntime(async (_ctx, services) => {
        for (const u of await services.auth.listUsers()) {
          process.stdout.write(`${u.username}\t${u.role}${u.isDisabled ? "\tdisabled" : ""}\n`);
        }
      }),
    );

  const tokens = program.command("tokens").description("manage API tokens");
  tokens
    .command("create")
    .description("create an API token; prints the token alone on stdout, once")
    .requiredOption("--name <name>")
    .requiredOption("--role <role>", ROLES.join("|"), parseRole)
    .action((options: { name: string; role: Role }) =>
      withRuntime(async (_ctx, services) => {
        const created = await services.auth.createToken(cliActor, options);
        process.stdout.write(`${created.token}\n`);
      }),
    );

  registerMatchCommand(program);

  for (const register of extraCommands) register(program);
  return program;
}

/** Commands added by features (sync, match, import, export). */
export const extraCommands: ((program: Command) => void)[] = [
  registerImportExportCommands,
  registerSyncCommands,
  registerReconcileCommand,
  registerPostCommand,
  registerAlertCommands,
];

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
