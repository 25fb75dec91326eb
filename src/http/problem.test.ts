import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { errorHandler, PROBLEM_CONTENT_TYPE } from "./problem.ts";

/** An error as node-postgres and PGlite raise it: a message and the SQLSTATE in `code`. */
function databaseError(code: string) {
  return Object.assign(new Error(`database said ${code}`), { code });
}

async function answerTo(error: Error) {
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  app.get("/boom", async () => {
    throw error;
  });
  const answer = await app.inject({ method: "GET", url: "/boom" });
  await app.close();
  return answer;
}

describe("errorHandler", () => {
  it.each([
    ["40P01", "deadlock"],
    ["40001", "serialization failure"],
  ])("answers a database %s (%s) with 409 concurrent_change, not 500", async (code) => {
    const answer = await answerTo(databaseError(code));
    expect(answer.statusCode).toBe(409);
    expect(answer.headers["content-type"]).toContain(PROBLEM_CONTENT_TYPE);
    expect(answer.json()).toMatchObject({ status: 409, code: "concurrent_change" });
  });

  it("keeps other database errors a logged 500 that says nothing of the query", async () => {
    const answer = await answerTo(databaseError("23505"));
    expect(answer.statusCode).toBe(500);
    expect(answer.json()).toMatchObject({ code: "internal_error" });
    expect(answer.body).not.toContain("23505");
  });
});
