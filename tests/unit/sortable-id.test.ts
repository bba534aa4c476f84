import { describe, expect, it } from "vitest";
import { sortableId } from "~/models/sortable-id.server";

describe("ids of rows written with hand-written SQL", () => {
  it("keep the order they were made in, within one millisecond and across milliseconds, in Prisma's cuid shape", () => {
    const sameInstant = Array.from({ length: 50 }, () => sortableId(1_800_000_000_000));
    const later = sortableId(1_800_000_000_001);
    const ids = [...sameInstant, later];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{24}$/);
  });

  it("differ in their random part, so that two processes' ids of the same instant and sequence do not collide", () => {
    // Each process keeps its own sequence: only the last 12 characters (62 random bits) tell their ids apart.
    const randomParts = Array.from({ length: 2_000 }, (_, index) => sortableId(1_700_000_000_000 + index).slice(-12));
    expect(new Set(randomParts).size).toBe(randomParts.length);
    expect(new Set(randomParts.map((part) => part[0])).size).toBeGreaterThan(10);
  });

  it("never go backwards when the clock does", () => {
    const first = sortableId(1_900_000_000_000);
    const afterClockWentBack = sortableId(1_899_999_999_000);
    expect(afterClockWentBack > first).toBe(true);
  });
});
