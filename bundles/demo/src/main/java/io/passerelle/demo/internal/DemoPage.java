package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;

/** The demo page: opens a WebSocket to {@code /ws/echo} on the host that served it and lists the echoes. */
final class DemoPage {

    private static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Passerelle demo</title>
            <style>
            body { font-family: sans-serif; margin: 2em; max-width: 40em; }
            #status { font-weight: bold; }
            li { font-family: monospace; }
            </style>
            </head>
            <body>
            <h1>Passerelle demo</h1>
            <p>WebSocket through the proxy: <span id="status">connecting</span></p>
            <form id="form">
            <input id="msg" size="40" placeholder="type a message" autocomplete="off">
            <button id="send" type="submit">Send</button>
            </form>
            <ul id="echoes"></ul>
            <script>
            const status = document.getElementById('status');
            const echoes = document.getElementById('echoes');
            const msg = document.getElementById('msg');
            const ws = new WebSocket((location.protocol==='https:'?'wss':'ws') + '://' + location.host + '/ws/echo');
            ws.onopen = () => { status.textContent = 'connected'; ws.send('hello from the page'); };
            ws.onclose = () => { status.textContent = 'closed'; };
            ws.onmessage = (event) => {
              const li = document.createElement('li');
              li.textContent = String(event.data);
              echoes.appendChild(li);
            };
            document.getElementById('form').addEventListener('submit', (event) => {
              event.preventDefault();
              if (ws.readyState === WebSocket.OPEN && msg.value) {
                ws.send(msg.value);
                msg.value = '';
              }
            });
            </script>
            </body>
            </html>
            """;

    private DemoPage() {
    }

    static byte[] bytes() {
        return HTML.getBytes(StandardCharsets.UTF_8);
    }
}
