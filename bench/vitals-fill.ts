// bench/vitals-probe.ts's data, in a process of its own: the installed demo
// shop (by domain) grown to `templates` recurring invoices with five runs
// each, and the featured template with 120 runs (bench/admin-fixtures.ts).
import Database from "better-sqlite3";
import { insertAdminShop } from "./admin-fixtures";

const [file, domain, templates] = process.argv.slice(2) as [string, string, string];
const database = new Database(file, { timeout: 30_000 });
const shop = database.prepare(`SELECT id FROM "Shop" WHERE domain = ?`).get(domain) as { id: string } | undefined;
database.close();
if (!shop) throw new Error(`no shop ${domain} in ${file}: the demo shop is installed by its first load`);
console.log(JSON.stringify(insertAdminShop(file, { templates: Number(templates), now: new Date(), shopId: shop.id })));
