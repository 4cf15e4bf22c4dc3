package dev.switchboard.runtime.server;

import dev.switchboard.runtime.http.CommitHooks;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Gives every request its {@link CommitHooks} and fires them from the response's first write:
 * every response, with a body or not, reaches the connection through {@link Response#write} (the
 * servlet layer's output included), and the first write is where status and headers go out. The
 * same seam Jetty's own compression handler uses to change headers at commit.
 */
final class CommitHooksHandler extends Handler.Wrapper {

    CommitHooksHandler(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        CommitHooks hooks = new CommitHooks();
        request.setAttribute(CommitHooks.ATTRIBUTE, hooks);
        return super.handle(request, new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback written) {
                hooks.fire();
                super.write(last, content, written);
            }
        }, callback);
    }
}
