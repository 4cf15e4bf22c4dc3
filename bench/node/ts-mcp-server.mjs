// The peer of the MCP benchmark: the official TypeScript SDK's server (@modelcontextprotocol/sdk,
// the version pinned in platform-core/switchboard-testkit/src/test/node) over Streamable HTTP,
// stateful like Switchboard (a session per client, SSE answers), serving the same `echo` tool.
//
//   node ts-mcp-server.mjs <port>
//
// The benchmark copies this file next to that node_modules before starting it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { z } from "zod";

const port = Number(process.argv[2]);
const transports = new Map();

function newServer() {
  const server = new McpServer({ name: "ts-peer", version: "1.0.0" });
  server.registerTool(
    "echo",
    {
      description: "Returns its text",
      inputSchema: { text: z.string() },
      outputSchema: { text: z.string() },
    },
    async ({ text }) => ({ content: [{ type: "text", text: JSON.stringify({ text }) }], structuredContent: { text } }),
  );
  return server;
}

async function body(request) {
  let data = "";
  for await (const chunk of request) {
    data += chunk;
  }
  return data ? JSON.parse(data) : undefined;
}

http
  .createServer(async (request, response) => {
    try {
      const sessionId = request.headers["mcp-session-id"];
      const parsed = request.method === "POST" ? await body(request) : undefined;
      let transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport && request.method === "POST" && isInitializeRequest(parsed)) {
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => transports.set(id, transport),
        });
        transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
        await newServer().connect(transport);
      }
      if (!transport) {
        response.writeHead(404, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }));
        return;
      }
      await transport.handleRequest(request, response, parsed);
    } catch (e) {
      if (!response.headersSent) {
        response.writeHead(500);
      }
      response.end();
    }
  })
  .listen(port, "127.0.0.1", () => console.log(`ts-mcp-server listening on ${port}`));
