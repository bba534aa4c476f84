// A process that migrates DATABASE_URL as `npm start` does (server/migrate.ts),
// at the instant MIGRATE_AT (epoch ms): several of them started together
// really do race, whatever each one's start-up time.
import { setTimeout as sleep } from "node:timers/promises";
import { migrateDatabase } from "../../server/migrate";

const startAt = Number(process.env.MIGRATE_AT ?? Date.now());
await sleep(Math.max(0, startAt - Date.now()));
await migrateDatabase(process.env.DATABASE_URL!);
process.stdout.write("migrated\n");
