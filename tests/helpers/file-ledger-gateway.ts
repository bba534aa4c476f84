// The provider stand-in of worker processes started by tests
// (tests/helpers/worker-process-main.ts): a MemoryGateway whose ledger is the
// SQLite file LEDGER_FILE, shared by every worker process of a test.
// Optional LEDGER_LATENCY_MS (per call), LEDGER_KILL_AFTER="<step>:<n>"
// (SIGKILL this process right after its n-th committed effect at that step)
// and LEDGER_HOLD="<step>:<file>" (hold this process's first call at that
// step until the file exists).
import type { BillingStep } from "~/domain/billing";
import { MemoryGateway } from "./memory-gateway";

export function createFileLedgerGateway(): MemoryGateway {
  const file = process.env.LEDGER_FILE;
  if (!file) throw new Error("LEDGER_FILE is required");
  const kill = process.env.LEDGER_KILL_AFTER?.split(":");
  const hold = process.env.LEDGER_HOLD;
  const holdStep = hold?.slice(0, hold.indexOf(":"));
  return new MemoryGateway({
    file,
    latencyMs: Number(process.env.LEDGER_LATENCY_MS ?? 0),
    killAfter: kill ? { step: kill[0] as BillingStep, nth: Number(kill[1]) } : undefined,
    holdAt: hold ? { step: holdStep as BillingStep, untilFile: hold.slice(hold.indexOf(":") + 1) } : undefined,
  });
}
