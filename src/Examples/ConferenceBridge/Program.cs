using ConferenceBridge;
using Janus.Actors;
using Janus.Actors.Examples;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// dotnet run --project src/Examples/ConferenceBridge               the whole story (private Janus)
// dotnet run --project src/Examples/ConferenceBridge -- backend \
//     --Janus:WebSocketUrl=ws://127.0.0.1:8188/ --Janus:AdminUrl=http://127.0.0.1:7088/admin --Janus:AdminSecret=... \
//     --Journal=data/bridge.db --Bridge:Room=4321
if (args is ["backend", .. var settings])
{
    // The backend, as an ASP.NET or generic-host application composes it.
    var builder = Host.CreateApplicationBuilder(settings);
    builder.Logging.AddExampleConsole();
    var janus = builder.Configuration.GetSection("Janus").Get<JanusOptions>()
                ?? throw new InvalidOperationException("Set --Janus:WebSocketUrl");
    var journal = builder.Configuration["Journal"] ?? "data/bridge.db";
    builder.Services.AddJanusSessions(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journal}"));
    builder.Services.Configure<BridgeOptions>(builder.Configuration.GetSection("Bridge"));
    builder.Services.AddHostedService<BridgeModerator>();
    await builder.Build().RunAsync();
    return Environment.ExitCode;
}

return await BridgeDemo.RunAsync();
