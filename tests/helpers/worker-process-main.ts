// A worker process for tests: `node --import tsx tests/helpers/worker-process-main.ts [options]`
// (spawned through tests/helpers/worker-process.ts).
// The same process as the production entry (app/worker/main.ts: options,
// database, signals, graceful stop, all in app/worker/process.ts), issuing
// through the file-ledger stand-in instead of Stripe. The production entry
// has no way to load another gateway: this seam lives here, in the tests.
import { runWorkerProcess } from "~/worker/process";
import { createFileLedgerGateway } from "./file-ledger-gateway";

await runWorkerProcess({ gateway: createFileLedgerGateway });
