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

  it("never go backwards when the clock does", () => {
    const first = sortableId(1_900_000_000_000);
    const afterClockWentBack = sortableId(1_899_999_999_000);
    expect(afterClockWentBack > first).toBe(true);
  });
});
