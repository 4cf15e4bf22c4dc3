// An MCP client on the official TypeScript SDK, driven by the integration tests: it runs one
// scenario against a Switchboard and prints what it observed as JSON lines on stdout.
//
//   node mcp-client.mjs <scenario> <url> [token [tool]]
//
// Scenarios: basic, list-changed (prints {"event":"ready"}, waits for a line on stdin, then for
// tools/list_changed until <tool> is listed), cancel, resume, unauthorized.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import readline from "node:readline";

const [scenario, url, token] = process.argv.slice(2);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

function transport() {
  return new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    reconnectionOptions: { initialReconnectionDelay: 100, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1.5, maxRetries: 5 },
  });
}

async function connect() {
  const client = new Client({ name: "switchboard-ts-client", version: "1.0.0" }, { capabilities: {} });
  await client.connect(transport());
  return client;
}

const scenarios = {
  async basic() {
    const client = await connect();
    const tools = await client.listTools();
    print({ event: "tools", names: tools.tools.map((t) => t.name), upper: tools.tools.find((t) => t.name === "upper") });
    const result = await client.callTool({ name: "upper", arguments: { text: "ada" } });
    print({ event: "call", result });
    const progress = [];
    const slow = await client.callTool({ name: "upper", arguments: { text: "slow-ts" } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    print({ event: "progress", progress, result: slow });
    const failed = await client.callTool({ name: "upper", arguments: { text: "crash" } });
    print({ event: "error-result", result: failed });
    await client.close();
  },

  async "list-changed"() {
    // Each tools/list_changed is followed by a tools/list, until the tool named by the fourth
    // argument is there (another change may be announced first).
    const expected = process.argv[5];
    const client = await connect();
    let found;
    const listed = new Promise((resolve) => (found = resolve));
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      const names = (await client.listTools()).tools.map((t) => t.name);
      if (names.includes(expected)) {
        found(names);
      }
    });
    await client.listTools();
    print({ event: "ready" });
    const lines = readline.createInterface({ input: process.stdin });
    await new Promise((resolve) => lines.once("line", resolve));
    print({ event: "list_changed", names: await listed });
    lines.close();
    await client.close();
  },

  async cancel() {
    const client = await connect();
    const controller = new AbortController();
    const spinning = client
      .callTool({ name: "spin", arguments: { forever: true } }, undefined, { signal: controller.signal, timeout: 600000 })
      .then(() => "completed", (e) => `rejected: ${e.message}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort("the user stopped it");
    print({ event: "cancelled", outcome: await spinning });
    // The skill has a single Python context: this call can only run once the loop was stopped.
    const next = await client.callTool({ name: "spin", arguments: { forever: false } }, undefined, { timeout: 60000 });
    print({ event: "after", result: next });
    await client.close();
  },

  async resume() {
    const client = await connect();
    const tokens = [];
    const result = await client.callTool({ name: "reconnect", arguments: {} }, undefined, {
      onresumptiontoken: (t) => tokens.push(t),
      timeout: 60000,
    });
    print({ event: "resumed", result, tokens });
    await client.close();
  },

  async unauthorized() {
    try {
      await connect();
      print({ event: "connected" });
    } catch (e) {
      print({ event: "refused", name: e.constructor.name, code: e.code, message: String(e.message) });
    }
  },
};

try {
  await scenarios[scenario]();
  process.exit(0);
} catch (e) {
  print({ event: "failed", message: String(e && e.stack ? e.stack : e) });
  process.exit(1);
}
