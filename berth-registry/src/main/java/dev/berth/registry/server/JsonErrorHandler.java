package dev.berth.registry.server;

import dev.berth.registry.storage.ErrorCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before a request reaches {@link RegistryHandler} (an ambiguous path segment such as {@code %2e%2e},
 * a malformed request line) answered in the distribution spec's JSON error shape instead of Jetty's HTML page, so a
 * client always gets a body it can parse.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        Object message = request.getAttribute(ERROR_MESSAGE);
        // A rejected URI is a name or reference the registry cannot accept; anything else is not supported here.
        ErrorCode code = status == 400 ? ErrorCode.NAME_INVALID : ErrorCode.UNSUPPORTED;
        byte[] body = new ErrorBody(code.wireCode(), code.message(), message == null ? "HTTP " + status : message.toString()).toJson();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
