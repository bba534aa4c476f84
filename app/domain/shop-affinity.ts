// Which worker a shop's runs go to first when several worker processes issue
// together: rendezvous (highest random weight) hashing over the workers alive
// now. Stripe limits each account separately, and every process takes an
// account's request slots from one shared schedule (the database); when an
// account's lanes are spread over every process, no process ever has two of
// its requests waiting together, each request takes a slot reservation of
// its own, and each process's late wake-ups leave gaps in the account's
// schedule (the workers bench: 4 workers missed six times as many slots as
// 1 or 2). A worker that takes its own shops' runs first keeps each
// account's lanes in one process. A preference, not a partition: a worker
// with none of its own shops' runs due takes the others' (claimOrder), so no
// run waits for its preferred worker, alive or dead.
//
// Rendezvous hashing: a shop's worker is the one with the highest
// md5(worker id, shop id); a worker joining or leaving moves only the shops
// it takes or gave up. PostgreSQL computes the same in its claim
// (hot-sql.server.ts, claimWorkableRunsPostgresSql).
import { createHash } from "node:crypto";

/** The worker among `workers` that `shopId`'s runs go to first; undefined when there are none. */
export function preferredWorker(shopId: string, workers: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = "";
  for (const worker of workers) {
    const weight = affinityWeight(worker, shopId);
    if (best === undefined || weight > bestWeight || (weight === bestWeight && worker > best)) [best, bestWeight] = [worker, weight];
  }
  return best;
}

/** md5 of "worker\nshop", in hex: the weight PostgreSQL's claim computes with md5() too. */
export function affinityWeight(worker: string, shopId: string): string {
  return createHash("md5").update(`${worker}\n${shopId}`).digest("hex");
}
