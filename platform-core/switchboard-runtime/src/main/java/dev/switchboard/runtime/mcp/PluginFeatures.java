package dev.switchboard.runtime.mcp;

import dev.switchboard.api.McpExchange;
import dev.switchboard.api.McpPrompt;
import dev.switchboard.api.McpResource;
import dev.switchboard.api.McpTool;
import dev.switchboard.api.Principal;
import dev.switchboard.runtime.lang.ContextLoader;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The MCP tools, prompts and resources plugins contribute, as the SDK's specifications: each call
 * runs the plugin's code with its class loader as the context class loader, and gets an
 * {@link McpExchange} onto the request.
 */
final class PluginFeatures {

    private final JacksonMcpJsonMapper json;
    private final JsonMapper mapper;

    PluginFeatures(JacksonMcpJsonMapper json) {
        this.json = json;
        this.mapper = json.getJsonMapper();
    }

    McpServerFeatures.AsyncToolSpecification tool(PluginMcpFeature feature) {
        McpTool tool = (McpTool) feature.feature();
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(json.convertValue(feature.definition(), McpSchema.Tool.class))
                .callHandler((exchange, request) -> Mono.fromCallable(() -> {
                    JsonNode arguments = mapper.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
                    Exchange handle = exchange(exchange, request.progressToken());
                    try {
                        JsonNode result = within(feature, () -> tool.call(arguments, handle));
                        return json.convertValue(result, McpSchema.CallToolResult.class);
                    } catch (McpError e) {
                        throw e;
                    } catch (Exception e) {
                        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                        return McpSchema.CallToolResult.builder().content(List.of(McpSchema.TextContent.builder(message).build())).isError(true).build();
                    } finally {
                        handle.end();
                    }
                }))
                .build();
    }

    McpServerFeatures.AsyncPromptSpecification prompt(PluginMcpFeature feature) {
        McpPrompt prompt = (McpPrompt) feature.feature();
        return new McpServerFeatures.AsyncPromptSpecification(json.convertValue(feature.definition(), McpSchema.Prompt.class),
                (exchange, request) -> Mono.fromCallable(() -> {
                    Map<String, String> arguments = new LinkedHashMap<>();
                    if (request.arguments() != null) {
                        request.arguments().forEach((name, value) -> arguments.put(name, value == null ? null : String.valueOf(value)));
                    }
                    Exchange handle = exchange(exchange, null);
                    try {
                        return json.convertValue(within(feature, () -> prompt.get(arguments, handle)), McpSchema.GetPromptResult.class);
                    } finally {
                        handle.end();
                    }
                }));
    }

    McpServerFeatures.AsyncResourceSpecification resource(PluginMcpFeature feature) {
        return new McpServerFeatures.AsyncResourceSpecification(json.convertValue(feature.definition(), McpSchema.Resource.class),
                (exchange, request) -> read(feature, exchange, request));
    }

    McpServerFeatures.AsyncResourceTemplateSpecification template(PluginMcpFeature feature) {
        return new McpServerFeatures.AsyncResourceTemplateSpecification(
                json.convertValue(feature.definition(), McpSchema.ResourceTemplate.class),
                (exchange, request) -> read(feature, exchange, request));
    }

    private Mono<McpSchema.ReadResourceResult> read(PluginMcpFeature feature, McpAsyncServerExchange exchange,
                                                   McpSchema.ReadResourceRequest request) {
        McpResource resource = (McpResource) feature.feature();
        return Mono.fromCallable(() -> {
            Exchange handle = exchange(exchange, null);
            try {
                return json.convertValue(within(feature, () -> resource.read(request.uri(), handle)), McpSchema.ReadResourceResult.class);
            } finally {
                handle.end();
            }
        });
    }

    /** {@code completion/complete} for a prompt's argument or a resource template's variable. */
    static List<String> complete(PluginMcpFeature feature, String argument, String value) throws Exception {
        List<String> values = within(feature, () -> switch (feature.feature()) {
            case McpPrompt prompt -> prompt.complete(argument, value);
            case McpResource resource -> resource.complete(argument, value);
            default -> List.of();
        });
        return values == null ? List.of() : values.size() > 100 ? values.subList(0, 100) : values;
    }

    private static <T> T within(PluginMcpFeature feature, Callable<T> call) throws Exception {
        return ContextLoader.call(feature.loader(), call::call);
    }

    private Exchange exchange(McpAsyncServerExchange exchange, Object progressToken) {
        Calls calls = (Calls) exchange.transportContext().get(TransportContext.CALLS);
        Calls.Call call = calls == null ? null : calls.get(exchange.transportContext().get(TransportContext.REQUEST_ID));
        Exchange handle = new Exchange(exchange, progressToken, call, (Principal) exchange.transportContext().get(TransportContext.PRINCIPAL));
        if (call != null) {
            call.enter();
        }
        return handle;
    }

    /** One request's {@link McpExchange}. */
    private final class Exchange implements McpExchange {
        private final McpAsyncServerExchange exchange;
        private final Object progressToken;
        private final Calls.Call call;
        private final Principal caller;

        Exchange(McpAsyncServerExchange exchange, Object progressToken, Calls.Call call, Principal caller) {
            this.exchange = exchange;
            this.progressToken = progressToken;
            this.call = call;
            this.caller = caller;
        }

        void end() {
            if (call != null) {
                call.exit();
            }
        }

        @Override
        public Principal caller() {
            return caller;
        }

        @Override
        public void progress(double progress, Double total, String message) {
            if (progressToken != null) {
                exchange.progressNotification(McpSchema.ProgressNotification.builder(progressToken, progress).total(total).message(message).build()).block();
            }
        }

        @Override
        public void log(String level, String message) {
            McpSchema.LoggingLevel parsed;
            try {
                parsed = McpSchema.LoggingLevel.valueOf(level.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("not an MCP log level: " + level);
            }
            exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder(parsed, message).build()).block();
        }

        @Override
        public JsonNode request(String method, JsonNode params, Duration timeout) {
            Mono<?> answer = switch (method) {
                case "sampling/createMessage" -> exchange.createMessage(convert(params, McpSchema.CreateMessageRequest.class));
                case "elicitation/create" -> exchange.createElicitation(convert(params, McpSchema.ElicitRequest.class));
                case "roots/list" -> exchange.listRoots();
                default -> throw new IllegalArgumentException("the host sends sampling/createMessage, elicitation/create and roots/list; not "
                        + method);
            };
            try {
                return mapper.valueToTree(answer.block(timeout));
            } catch (McpError e) {
                throw new IllegalStateException(method + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IllegalStateException(method + " got no answer: " + e.getMessage(), e);
            }
        }

        private <T> T convert(JsonNode params, Class<T> type) {
            try {
                return json.convertValue(params, type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("params MCP does not allow: " + e.getMessage(), e);
            }
        }

        @Override
        public void closeStream() {
            if (call != null) {
                call.stream().detach();
            }
        }

        @Override
        public boolean cancelled() {
            return call != null && call.cancelled();
        }
    }
}
