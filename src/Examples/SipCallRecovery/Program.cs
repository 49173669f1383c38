using Janus.Actors;
using Janus.Actors.Examples;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SipCallRecovery;

// dotnet run --project src/Examples/SipCallRecovery               the whole story (private Janus + sipp)
// dotnet run --project src/Examples/SipCallRecovery -- backend \
//     --Janus:WebSocketUrl=ws://127.0.0.1:8188/ --Janus:AdminUrl=http://127.0.0.1:7088/admin --Janus:AdminSecret=... \
//     --Journal=data/sip-line.db \
//     --Sip:Username=sip:alice@example.com --Sip:Secret=... --Sip:Proxy=sip:pbx.example.com
if (args is ["backend", .. var settings])
{
    // The backend, as an ASP.NET or generic-host application composes it.
    var builder = Host.CreateApplicationBuilder(settings);
    builder.Logging.AddExampleConsole();
    var janus = builder.Configuration.GetSection("Janus").Get<JanusOptions>()
                ?? throw new InvalidOperationException("Set --Janus:WebSocketUrl");
    var journal = builder.Configuration["Journal"] ?? "data/sip-line.db";
    builder.Services.AddJanusSessions(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journal}"));
    builder.Services.Configure<SipLineOptions>(builder.Configuration.GetSection("Sip"));
    builder.Services.AddHostedService<SipLine>();
    await builder.Build().RunAsync();
    return Environment.ExitCode;
}

return await SipDemo.RunAsync();
