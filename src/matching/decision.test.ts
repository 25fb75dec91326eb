import { describe, expect, it } from "vitest";
import { isClearlyAhead, proposalFloor, type WordEvidence } from "./decision.ts";
import { buildMatchIndex, suggest } from "./engine.ts";

// Made-up names throughout.
const candidate = (
  score: number,
  words: string[] | null,
  more: Partial<WordEvidence> = {},
): WordEvidence => ({
  score,
  matched: words === null ? null : new Set(words),
  anchored: true,
  cutShare: 0,
  extent: "complete",
  ...more,
});

describe("the 'clearly ahead' decision rule", () => {
  const best = candidate(0.72, ["brimwater", "national", "scenic", "river"]);

  it("accepts a best whose close runner-ups pair only words it pairs too", () => {
    expect(isClearlyAhead(best, [candidate(0.6, ["national", "scenic", "river"])])).toBe(true);
    expect(isClearlyAhead(best, [])).toBe(true);
  });

  it("refuses when a close runner-up pairs a word the best does not (a reading of its own)", () => {
    expect(isClearlyAhead(best, [candidate(0.5, ["volcano", "river"])])).toBe(false);
    // ...unless that runner-up is far behind.
    expect(isClearlyAhead(best, [candidate(0.4, ["volcano", "river"])])).toBe(true);
  });

  it("refuses a runner-up too close, or one whose evidence is no word-by-word comparison", () => {
    expect(isClearlyAhead(best, [candidate(0.65, ["river"])])).toBe(false);
    expect(isClearlyAhead(best, [candidate(0.5, null)])).toBe(false);
  });

  it("needs a word written the same, no word cut short, and most of the names agreeing", () => {
    expect(isClearlyAhead({ ...best, anchored: false }, [])).toBe(false);
    // A word cut short counts for nothing here: the rest must carry the partial score.
    expect(isClearlyAhead({ ...best, cutShare: 0.4 }, [])).toBe(false);
    expect(isClearlyAhead({ ...best, score: 0.85, cutShare: 0.15 }, [])).toBe(true);
    expect(isClearlyAhead({ ...best, score: 0.55 }, [])).toBe(false);
    // Each name keeping a word the other lacks asks for a little more.
    expect(isClearlyAhead({ ...best, score: 0.62, extent: "partial" }, [])).toBe(false);
    expect(isClearlyAhead({ ...best, score: 0.62, extent: "contained" }, [])).toBe(true);
  });

  it("never accepts a module name that adds words to the organization's whole name (another entity of the group)", () => {
    expect(isClearlyAhead({ ...best, extent: "adds" }, [])).toBe(false);
  });
});

describe("suggest: accepts what is clearly ahead", () => {
  const index = buildMatchIndex({
    organizations: [
      "Brimwater NSR",
      "Delmont National Scenic River",
      "Quorra Valley University, Tarnby",
      "Quorra Valley Polytechnic Institute and State University, Greendale",
      "Sellwick Crater NM",
      "Upper Tarnby Scenic & Recreational River",
      "Tarnby National Scenic River",
      "Parrow Volcano NM",
    ].map((name) => ({ id: name, name })),
  });
  const first = (name: string) => suggest(index, { id: "m", name })[0];

  it("accepts initials read out ahead of a name that shares only the common words", () => {
    expect(first("Brimwater National Scenic River")).toMatchObject({
      organizationId: "Brimwater NSR",
      accept: true,
    });
  });

  it("accepts a shorter name ahead of a longer one that shares only its words", () => {
    expect(first("University of Quorra Valley")).toMatchObject({
      organizationId: "Quorra Valley University, Tarnby",
      accept: true,
    });
  });

  it("accepts a long name with one word cut short when the rest of it carries the agreement", () => {
    expect(first("Upper Tarnby Scenic & Rec. River")).toMatchObject({
      organizationId: "Upper Tarnby Scenic & Recreational River",
      accept: true,
    });
  });

  it("proposes without accepting when the runner-up explains a word the best does not", () => {
    const best = first("Sellwick Crater Volcano NM");
    expect(best?.organizationId).toBe("Sellwick Crater NM");
    expect(best?.accept).toBe(false);
  });
});

describe("proposalFloor: words no name holds do not hide the one rare word that is known", () => {
  it("lowers the floor with the share of the name's weight that no name holds, at most by half", () => {
    expect(proposalFloor(1)).toBe(0.25);
    expect(proposalFloor(0.8)).toBeCloseTo(0.2);
    expect(proposalFloor(0.1)).toBe(0.125);
  });

  it("offers the organization sharing the one known rare word of an old name with a town behind it", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "q", name: "Koninklijke Quorvex Electronics N.V." },
        { id: "s", name: "Quorvex Intellectual Property & Standards GmbH" },
        { id: "z", name: "Zephyr Dental Group" },
      ],
    });
    const candidates = suggest(index, { id: "m", name: "N.V. Quorvex' Gloeilampenwerken te Tarnbyhoven" });
    expect(candidates[0]?.organizationId).toBe("q");
    expect(candidates[0]?.accept).toBe(false);
  });
});
