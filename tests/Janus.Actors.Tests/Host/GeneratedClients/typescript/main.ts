// A backend's calls to the host, typed by the client generated from its OpenAPI document (schema.d.ts, written by
// openapi-typescript when the spec runs). It compiles under strict TypeScript or the document is wrong; it exits 0 and
// prints "ok" when the host answers as the document says. Arguments: the host's base URL, its API token.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: node main.js <base url> <api token>");
const headers = { Authorization: `Bearer ${token}` };
const api = createClient<paths>({ baseUrl, headers });

function check(condition: boolean, what: string): asserts condition {
    if (!condition) {
        console.error(`FAILED: ${what}`);
        process.exit(1);
    }
}

// Create with only what a caller cares about: the optional members stay out.
const created = await api.POST("/v1/sessions", { body: { key: "ts-client-a", transport: "websocket" } });
check(created.response.status === 201 && created.data !== undefined, `create answered ${created.response.status}`);
const session: Schemas["SessionResponse"] = created.data;
const janusId: number | null = session.janusSessionId;
check(typeof janusId === "number" && janusId > 0, "a created session has its Janus id, a number");
check(session.state === "active", `created in state ${session.state}`);
const second = await api.POST("/v1/sessions", { body: { key: "ts-client-b" } });
check(second.response.status === 201, `a create without a transport answered ${second.response.status}`);

const attached = await api.POST("/v1/sessions/{key}/handles", {
    params: { path: { key: session.key } },
    body: { plugin: "janus.plugin.echotest" },
});
check(attached.data !== undefined, `attach answered ${attached.response.status}`);
const handleId: number = attached.data.handleId;

// The event stream, opened before the message whose plugin event it must carry.
const stream = await fetch(`${baseUrl}/v1/sessions/${session.key}/events`, { headers });
check(stream.ok && stream.body !== null, `events answered ${stream.status}`);
const reader = stream.body.getReader();

const reply = await api.POST("/v1/sessions/{key}/handles/{handleId}/messages", {
    params: { path: { key: session.key, handleId } },
    body: { body: { audio: true } },
});
check(reply.data !== undefined, `message answered ${reply.response.status}`);

const notice = await nextJanusEvent(reader);
check(notice.key === session.key, "the janus-event names its session");
check(JSON.stringify(notice.event).includes('"result":"ok"'), `the echotest's event: ${JSON.stringify(notice.event)}`);
await reader.cancel();

// A page of one, and the Link header that names the next.
const page = await api.GET("/v1/sessions", { params: { query: { limit: 1 } } });
check(page.data !== undefined && page.data.length === 1, "a page of one session");
const next = page.response.headers.get("Link");
check(next !== null && next.includes('rel="next"'), `the Link header: ${next}`);
const active = await api.GET("/v1/sessions", { params: { query: { state: "active" } } });
check(active.data !== undefined && active.data.every(s => s.state === "active"), "sessions in one state");

// A session nobody created: a typed problem.
const missing = await api.GET("/v1/sessions/{key}", { params: { path: { key: "no-such-session" } } });
check(missing.response.status === 404 && missing.error !== undefined, `an unknown key answered ${missing.response.status}`);
const problem: Schemas["ProblemDetails"] = missing.error;
check(typeof problem.detail === "string" && problem.detail.length > 0, "the problem says why");

for (const key of [session.key, "ts-client-b"]) {
    const destroyed = await api.DELETE("/v1/sessions/{key}", { params: { path: { key } } });
    check(destroyed.response.status === 204, `destroy answered ${destroyed.response.status}`);
}
console.log("ok");

/** Reads server-sent events until a janus-event whose data is the echotest's answer, typed as the document names it. */
async function nextJanusEvent(events: ReadableStreamDefaultReader<Uint8Array>): Promise<Schemas["JanusEventNotice"]> {
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
        const { value, done } = await events.read();
        check(!done, "the event stream ended before the plugin's event");
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
            const lines = buffered.slice(0, end).split("\n");
            buffered = buffered.slice(end + 2);
            const name = lines.find(line => line.startsWith("event: "))?.slice(7);
            const data = lines.find(line => line.startsWith("data: "))?.slice(6);
            if (name !== "janus-event" || data === undefined) continue;
            const notice = JSON.parse(data) as Schemas["JanusEventNotice"];
            if (JSON.stringify(notice.event).includes("plugindata")) return notice;
        }
    }
}
