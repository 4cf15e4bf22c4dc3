package dev.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The peer: nginx with the Nchan module (Debian {@code nginx-light} + {@code libnginx-mod-nchan}),
 * serving EventSource subscribers and an HTTP publisher, with a 1 000-message buffer per channel as
 * Switchboard keeps per topic. Two worker processes, one per core.
 */
final class NchanServer implements FanoutBenchmark.Server {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    private final Process process;
    private final int port;

    private NchanServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static NchanServer start(Path work) throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX) || !Files.exists(MODULE)) {
            throw new IllegalStateException("nginx with Nchan is not installed: apt-get install nginx-light libnginx-mod-nchan");
        }
        int port = FanoutBenchmark.freePort();
        Files.createDirectories(work.resolve("logs"));
        Files.createDirectories(work.resolve("temp"));
        String config = """
                worker_processes 2;
                worker_rlimit_nofile 20000;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                load_module %2$s;
                events { worker_connections 16000; multi_accept on; }
                http {
                  access_log off;
                  keepalive_requests 1000000;
                  client_body_temp_path %1$s/temp/body;
                  proxy_temp_path %1$s/temp/proxy;
                  fastcgi_temp_path %1$s/temp/fastcgi;
                  uwsgi_temp_path %1$s/temp/uwsgi;
                  scgi_temp_path %1$s/temp/scgi;
                  server {
                    listen 127.0.0.1:%3$d;
                    location ~ ^/sub/([a-z0-9.]+)$ {
                      nchan_subscriber eventsource;
                      nchan_channel_id $1;
                    }
                    location ~ ^/pub/([a-z0-9.]+)$ {
                      nchan_publisher;
                      nchan_channel_id $1;
                      nchan_message_buffer_length 1000;
                      nchan_message_timeout 10m;
                    }
                    location = /ready { return 200 "ready"; }
                  }
                }
                """.formatted(work, MODULE, port);
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, config);
        Process process = new ProcessBuilder(NGINX.toString(), "-p", work.toString(), "-c", conf.toString(), "-e", work.resolve("logs/error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("logs/stdout.log").toFile())
                .start();
        FanoutBenchmark.awaitHttp(URI.create("http://127.0.0.1:" + port + "/ready"), Duration.ofSeconds(30));
        return new NchanServer(process, port);
    }

    @Override
    public String name() {
        return "nginx+nchan";
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public String streamPath(String topic) {
        return "/sub/" + topic;
    }

    @Override
    public String publishPath(String topic) {
        return "/pub/" + topic;
    }

    @Override
    public long residentBytes() throws IOException {
        long total = FanoutBenchmark.pss(process.pid());
        for (ProcessHandle child : process.toHandle().children().toList()) {
            total += FanoutBenchmark.pss(child.pid());
        }
        return total;
    }

    @Override
    public long heapBytes() {
        return -1;
    }

    @Override
    public void close() throws Exception {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
