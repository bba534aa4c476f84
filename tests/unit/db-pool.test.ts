// How a process's PostgreSQL pool is sized with its worker's lanes (app/db-pool.server.ts).
import { describe, expect, it } from "vitest";
import { poolSizeFor, poolSizeFromEnv, resolvePoolSize } from "~/db-pool.server";

describe("the PostgreSQL pool of a process", () => {
  it("is sized from the lanes when DATABASE_POOL_SIZE is unset: one per lane, one for the worker's claims, ten for a web process's requests", () => {
    expect(resolvePoolSize({ lanes: 30, web: false }, undefined)).toBe(31);
    expect(resolvePoolSize({ lanes: 10, web: true }, undefined)).toBe(21);
    expect(resolvePoolSize({ lanes: 0, web: true }, undefined)).toBe(10);
    expect(poolSizeFor({ lanes: 1, web: false })).toBe(2);
  });

  it("takes DATABASE_POOL_SIZE when it leaves every lane a connection beside the housekeeping one", () => {
    expect(resolvePoolSize({ lanes: 10, web: false }, 11)).toBe(11);
    expect(resolvePoolSize({ lanes: 10, web: false }, 40)).toBe(40);
    expect(resolvePoolSize({ lanes: 0, web: true }, 4)).toBe(4);
  });

  it("refuses a DATABASE_POOL_SIZE smaller than the lanes plus one, naming both and what to do", () => {
    expect(() => resolvePoolSize({ lanes: 30, web: false }, 10)).toThrow(
      "DATABASE_POOL_SIZE is 10, too small for this process's worker: its 30 concurrent lanes (--concurrency or WORKER_CONCURRENCY) need 31 connections",
    );
    expect(() => resolvePoolSize({ lanes: 10, web: true }, 10)).toThrow("Raise DATABASE_POOL_SIZE to at least 11 (21 leaves the requests their 10)");
  });

  it("reads DATABASE_POOL_SIZE as a whole number of connections, or says what is wrong", () => {
    expect(poolSizeFromEnv(undefined)).toBeUndefined();
    expect(poolSizeFromEnv(" ")).toBeUndefined();
    expect(poolSizeFromEnv("12")).toBe(12);
    for (const bad of ["ten", "1", "2.5", "-3", "5000"]) expect(() => poolSizeFromEnv(bad)).toThrow(`DATABASE_POOL_SIZE must be a whole number from 2 to 1000`);
  });
});
