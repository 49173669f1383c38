using Janus.Actors;
using Janus.Actors.Examples;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VideoRoomRecovery;

// dotnet run --project src/Examples/VideoRoomRecovery               the whole story (private Janus)
// dotnet run --project src/Examples/VideoRoomRecovery -- backend \
//     --Janus:WebSocketUrl=ws://127.0.0.1:8188/ --Journal=data/room.db --Room:Id=1234
if (args is ["backend", .. var settings])
{
    // The backend, as an ASP.NET or generic-host application composes it.
    var builder = Host.CreateApplicationBuilder(settings);
    builder.Logging.AddExampleConsole();
    var janus = builder.Configuration.GetSection("Janus").Get<JanusOptions>()
                ?? throw new InvalidOperationException("Set --Janus:WebSocketUrl");
    var journal = builder.Configuration["Journal"] ?? "data/room.db";
    builder.Services.AddJanusSessions(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journal}"));
    builder.Services.Configure<RoomMemberOptions>(builder.Configuration.GetSection("Room"));
    builder.Services.AddHostedService<RoomMember>();
    await builder.Build().RunAsync();
    return Environment.ExitCode;
}

return await RoomDemo.RunAsync();
