import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppContext } from "../context.ts";
import { undoAdjustment } from "../services/billing/posting/posting-undo.ts";
import type { Services } from "../services/index.ts";
import { requireAuth } from "./auth.ts";
import { IdParams, KeyParams } from "./common.schema.ts";
import {
  ApprovalList,
  ApprovalQuery,
  ApprovalView,
  approvalView,
  configView,
  PostingConfigPatch,
  PostingConfigView,
  PostingQuery,
  PostingSummaryView,
  PostingSwitchBody,
  PostingSwitchList,
  PostingSwitchView,
  PostNowBody,
  summaryView,
  switchView,
  UndoAnswerView,
  undoView,
} from "./posting.schema.ts";
import { problemResponses } from "./response.schema.ts";

/**
 * Posting to the PSA (issue 10, rules 15–16). Everyone signed in sees the switches, limits,
 * preview and approvals; only admins turn posting on, post, decide approvals and undo.
 */
export const postingRoutes =
  (ctx: AppContext, services: Services): FastifyPluginAsyncZod =>
  async (app) => {
    const { posting, approvals } = services;
    const tags = ["posting"];
    app.get(
      "/posting/switches",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "Every module's posting switch (off: reconcile only)",
          response: { 200: PostingSwitchList, ...problemResponses },
        },
      },
      async () => ({ items: (await posting.switches()).map(switchView) }),
    );
    app.put(
      "/posting/switches/:key",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Turn posting on or off for a module (audited)",
          params: KeyParams,
          body: PostingSwitchBody,
          response: { 200: PostingSwitchView, ...problemResponses },
        },
      },
      async (request) =>
        switchView(
          await posting.setSwitch(requireAuth(request).actor, request.params.key, request.body.enabled),
        ),
    );
    app.get(
      "/posting/config",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "Approval share, hourly request budget, concurrency",
          response: { 200: PostingConfigView, ...problemResponses },
        },
      },
      async () => configView(await posting.config()),
    );
    app.patch(
      "/posting/config",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Change the posting limits (audited)",
          body: PostingConfigPatch,
          response: { 200: PostingConfigView, ...problemResponses },
        },
      },
      async (request) => configView(await posting.updateConfig(requireAuth(request).actor, request.body)),
    );
    app.get(
      "/posting/:key/preview",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary:
            "What a run would post now, per organization and service, with the money (reads the PSA, writes nothing)",
          params: KeyParams,
          querystring: PostingQuery,
          response: { 200: PostingSummaryView, ...problemResponses },
        },
      },
      async (request) => summaryView(await posting.preview(request.params.key, request.query.period)),
    );
    app.post(
      "/posting/:key/runs",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Post now: one posting run of the module (409 while its switch is off)",
          params: KeyParams,
          body: PostNowBody,
          response: { 200: PostingSummaryView, ...problemResponses },
        },
      },
      async (request) =>
        summaryView(
          await posting.post(requireAuth(request).actor, request.params.key, {
            ...(request.body.period ? { periodKey: request.body.period } : {}),
          }),
        ),
    );
    app.get(
      "/posting/approvals",
      {
        config: { access: "viewer" },
        schema: {
          tags,
          summary: "Decreases held for an admin, newest first",
          querystring: ApprovalQuery,
          response: { 200: ApprovalList, ...problemResponses },
        },
      },
      async (request) => {
        const { state, limit, offset } = request.query;
        return { items: (await approvals.list(state ? { state } : {}, { limit, offset })).map(approvalView) };
      },
    );
    for (const [verb, decision] of [
      ["approve", "approved"],
      ["reject", "rejected"],
    ] as const) {
      app.post(
        `/posting/approvals/:id/${verb}`,
        {
          config: { access: "admin" },
          schema: {
            tags,
            summary: `${verb === "approve" ? "Approve" : "Reject"} a held decrease (audited)`,
            params: IdParams,
            response: { 200: ApprovalView, ...problemResponses },
          },
        },
        async (request) =>
          approvalView(await approvals.decide(requireAuth(request).actor, request.params.id, decision)),
      );
    }
    app.post(
      "/posting/attempts/:id/undo",
      {
        config: { access: "admin" },
        schema: {
          tags,
          summary: "Undo a posted adjustment by posting the compensating one (audited, exactly once)",
          params: IdParams,
          response: { 200: UndoAnswerView, ...problemResponses },
        },
      },
      async (request) =>
        undoView(await undoAdjustment(ctx, posting, requireAuth(request).actor, request.params.id)),
    );
  };
