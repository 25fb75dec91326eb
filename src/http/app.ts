import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { AppContext } from "../context.ts";
import { isAppError } from "../domain/errors.ts";
import type { Services } from "../services/index.ts";
import { activityLogRoutes } from "./activity-log.routes.ts";
import { alertRoutes } from "./alert.routes.ts";
import { auditRoutes } from "./audit.routes.ts";
import { registerAuth } from "./auth.ts";
import { connectorKindRoutes } from "./connector-kind.routes.ts";
import { dashboardRoutes } from "./dashboard.routes.ts";
import { gridRoutes } from "./grid.routes.ts";
import { healthRoutes } from "./health.routes.ts";
import { acceptEmptyJsonBodies } from "./json-body.ts";
import { mfaRoutes } from "./mfa.routes.ts";
import { moduleRoutes } from "./module.routes.ts";
import { moduleOrganizationRoutes } from "./module-organization.routes.ts";
import { oidcRoutes, registerOidcBrowserRoutes } from "./oidc.routes.ts";
import { organizationRoutes } from "./organization.routes.ts";
import { postingRoutes } from "./posting.routes.ts";
import { errorHandler, problem, sendProblem } from "./problem.ts";
import { psaOrganizationRoutes } from "./psa-organization.routes.ts";
import { reconciliationRoutes } from "./reconciliation.routes.ts";
import { serviceMappingRoutes } from "./service-mapping.routes.ts";
import { sessionRoutes } from "./session.routes.ts";
import { settingsRoutes } from "./settings.routes.ts";
import { suggestionRoutes } from "./suggestion.routes.ts";
import { syncRoutes } from "./sync.routes.ts";
import { registerTextGuard } from "./text-guard.ts";
import { userRoutes } from "./user.routes.ts";

export const API_PREFIX = "/api/v1";
export const BODY_LIMIT_BYTES = 1024 * 1024;
const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web", "dist");

export interface AppOptions {
  /** Serve the built web app from web/dist (default: when it exists). */
  serveWeb?: boolean;
  logger?: boolean;
}

/**
 * Builds the HTTP app. Each request passes: security headers -> authentication and role
 * (onRequest, before the body is read) -> CSRF for cookie writes -> zod validation -> handler
 * (one service call, one transaction) -> problem+json on any error.
 */
export async function buildApp(
  ctx: AppContext,
  services: Services,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (options.logger === false ? undefined : ctx.log) as FastifyBaseLogger | undefined,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    genReqId: () => crypto.randomUUID(),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Our own errors are worded in the instance's term; a failed settings read keeps the default word.
  app.setErrorHandler(async (error: FastifyError, request, reply) =>
    errorHandler(
      error,
      request,
      reply,
      isAppError(error)
        ? await services.settings.get().then(
            (settings) => settings.organizationTerm,
            () => undefined,
          )
        : undefined,
    ),
  );
  acceptEmptyJsonBodies(app);
  registerTextGuard(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    hsts: false,
  });
  await app.register(fastifyCookie);
  registerAuth(app, services);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "orgmap API",
        version: "1",
        description:
          "Map every module organization to the PSA organization that receives the bill. Errors are application/problem+json with a machine-readable `code`.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "orgmap_session" },
          token: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(
    async (api) => {
      await api.register(healthRoutes(ctx));
      await api.register(sessionRoutes(ctx, services));
      await api.register(mfaRoutes(ctx, services));
      await api.register(settingsRoutes(services));
      await api.register(organizationRoutes(services));
      await api.register(moduleRoutes(services));
      await api.register(moduleOrganizationRoutes(services));
      await api.register(gridRoutes(services));
      await api.register(suggestionRoutes(services));
      await api.register(auditRoutes(services));
      await api.register(userRoutes(services));
      await api.register(syncRoutes(services));
      await api.register(connectorKindRoutes(services));
      await api.register(postingRoutes(ctx, services));
      await api.register(activityLogRoutes(services));
      await api.register(dashboardRoutes(services));
      await api.register(serviceMappingRoutes(services));
      await api.register(reconciliationRoutes(services));
      await api.register(alertRoutes(services));
      await api.register(oidcRoutes(services));
      await api.register(psaOrganizationRoutes(services));
      api.get("/openapi.json", { config: { access: "viewer" }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
    },
    { prefix: API_PREFIX },
  );

  registerOidcBrowserRoutes(app, ctx, services);

  const serveWeb = options.serveWeb ?? existsSync(join(WEB_DIST, "index.html"));
  if (serveWeb) {
    // wildcard: files are looked up per request, so a rebuilt web/dist is served without a restart.
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: true,
      index: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        // Hashed assets never change; index.html must always be fresh to point at the current ones.
        res.setHeader(
          "cache-control",
          path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
    app.get("/", (_request, reply) => reply.sendFile("index.html"));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    // Client-side routes (no file extension) get the app; a missing file stays a 404.
    if (serveWeb && request.method === "GET" && !path.startsWith("/api/") && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type("text/html").sendFile("index.html");
    }
    return sendProblem(
      reply,
      problem(404, "not_found", `no route ${request.method} ${request.url.split("?")[0]}`),
    );
  });
  return app;
}
