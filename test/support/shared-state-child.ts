// A second "machine" for test/app/shared-state.db.test.ts: opens the service's context from the
// environment (DATABASE_URL, its own DATA_DIR) as `edoc serve` does, then
//   put FILE    stores FILE in the configured file store and prints { sha256, size }
//   sign SHA256 prints a signed link to SHA256 (the generated file-link key) and the VAPID public key
import { createReadStream } from "node:fs";
import { openAppContext } from "../../app/context.ts";
import { loadFileLinkSecret } from "../../app/file-links.ts";
import { createLogger } from "../../app/logger.ts";
import { loadWebPushOptions } from "../../bots/web/web-push-keys.ts";
import { loadConfig } from "../../app/config.ts";
import { makeFileLink } from "../../core/files/signed-links.ts";

const [command, arg = ""] = process.argv.slice(2);
const config = loadConfig(process.env);
const app = await openAppContext({ config, logger: createLogger("silent") });
try {
  if (command === "put") {
    console.log(JSON.stringify(await app.deps.files.put(createReadStream(arg))));
  } else if (command === "sign") {
    const secret = await loadFileLinkSecret(config.dataDir, undefined, app.db.prisma);
    const link = makeFileLink({ baseUrl: "https://edoc.example.gov.vn", secret }, { sha256: arg, userId: "user-1", name: "cong-van.pdf", now: new Date() });
    const push = await loadWebPushOptions({ dataDir: config.dataDir, env: {}, prisma: app.db.prisma });
    console.log(JSON.stringify({ link, vapidPublicKey: push.vapid.publicKey }));
  } else throw new Error(`unknown command ${command}`);
} finally {
  await app.close();
}
