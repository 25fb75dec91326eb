import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { NoContent, problemResponses } from "./response.schema.ts";
import {
  PsaServiceList,
  PsaServiceQuery,
  ServiceMappingBody,
  ServiceMappingList,
  ServiceMappingParams,
  ServiceMappingQuery,
  ServiceMappingView,
} from "./service-mapping.schema.ts";

/** Service mappings (issue 9 item 5): viewers read, admins write. */
export const serviceMappingRoutes =
  (services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/service-mappings",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "Per module, the billing types it can report and the PSA service each bills",
          querystring: ServiceMappingQuery,
          response: { 200: ServiceMappingList, ...problemResponses },
        },
      },
      async (request) => services.serviceMappings.list(request.query),
    );
    app.put(
      "/service-mappings/:moduleKey/:billingType",
      {
        config: { access: "admin" },
        schema: {
          tags: ["billing"],
          summary: "Bill a (module, billing type) to a PSA service, with the latest or the peak units",
          params: ServiceMappingParams,
          body: ServiceMappingBody,
          response: { 200: ServiceMappingView, ...problemResponses },
        },
      },
      async (request) =>
        services.serviceMappings.set(
          requireAuth(request).actor,
          request.params.moduleKey,
          request.params.billingType,
          request.body,
        ),
    );
    app.delete(
      "/service-mappings/:moduleKey/:billingType",
      {
        config: { access: "admin" },
        schema: {
          tags: ["billing"],
          summary: "Remove a service mapping (its usage shows as billing type with no service mapping)",
          params: ServiceMappingParams,
          response: { 204: NoContent, ...problemResponses },
        },
      },
      async (request, reply) => {
        await services.serviceMappings.remove(
          requireAuth(request).actor,
          request.params.moduleKey,
          request.params.billingType,
        );
        return reply.status(204).send(null);
      },
    );
    app.get(
      "/psa-services",
      {
        config: { access: "viewer" },
        schema: {
          tags: ["billing"],
          summary: "The PSA's services as of its last contracts read (the service mapping choices)",
          querystring: PsaServiceQuery,
          response: { 200: PsaServiceList, ...problemResponses },
        },
      },
      async (request) => services.serviceMappings.services(request.query),
    );
  };
