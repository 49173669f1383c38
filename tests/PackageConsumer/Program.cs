// Usage: PackageConsumer --JanusSessions:Janus:WebSocketUrl=<URL> "--JanusSessions:Journal:ConnectionString=Data Source=<file>"
// (any configuration source works: appsettings.json, JanusSessions__Janus__WebSocketUrl, ...)
// Creates (or, on a second run, resumes) one session, echoes through Janus's echotest plugin, prints one line.
using System.Text.Json;
using Janus.Actors.Hosting;
using Janus.Actors.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddJanusSessions(builder.Configuration.GetSection("JanusSessions"));
using var host = builder.Build();
await host.StartAsync();

var sessions = host.Services.GetRequiredService<IJanusSessions>();
var (session, created) = await sessions.CreateOrResumeAsync("package-consumer", JanusTransportKind.WebSocket);
var handle = await sessions.AttachAsync("package-consumer", "janus.plugin.echotest");
var reply = await sessions.SendAsync("package-consumer", handle, JsonDocument.Parse("""{"audio":true}""").RootElement);
var result = reply.PluginData?.GetProperty("data").GetProperty("result").GetString();
Console.WriteLine($"session {session.JanusSessionId} {session.State} created={created} echotest={result}");

await host.StopAsync();
