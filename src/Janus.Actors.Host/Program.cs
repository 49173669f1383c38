using Janus.Actors.Host;
using Janus.Actors.Host.Configuration;
using Serilog;

// Exit codes: 0 after a graceful stop (SIGTERM, Ctrl-C), 2 for unusable configuration (including a journal that cannot
// be reached at start-up, or one another host holds), 1 for anything else.
Log.Logger = HostLogging.CreateBootstrapLogger();
try
{
    var app = HostApplication.Build(args);
    var settings = app.Services.GetRequiredService<HostSettings>();
    HostApplication.LogStartup(app, settings);
    await HostApplication.CheckJournalAsync(settings);
    // What each Janus server is (version, timeouts) or why it does not answer is said by its home in the library, never fatally.
    // The sessions stop the host when the journal holds sessions on a Janus server no longer configured (they log why).
    Akka.Actor.CoordinatedShutdown.Reason? stoppedFor = null;
    app.Lifetime.ApplicationStopping.Register(() =>
        stoppedFor = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>()).ShutdownReason);
    await app.RunAsync();
    return stoppedFor is Janus.Actors.Servers.JanusServerRemovedReason removed ? removed.ExitCode : 0;
}
catch (HostConfigurationException e)
{
    Log.ForContext("SourceContext", "Janus.Actors.Host").Fatal("Invalid configuration: {Setting} {Problem}", e.Setting, e.Problem);
    return 2;
}
catch (Janus.Actors.Persistence.JanusJournalHeldException e)
{
    // A second host on the same journal would take every session from the first: refuse, naming the holder.
    Log.ForContext("SourceContext", "Janus.Actors.Host").Fatal(
        "The {Journal} is held by {Holder}: one host per journal. Stop that one first, or start this one with Journal:Standby=true to take over when it stops",
        e.Journal, e.Holder);
    return 2;
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Kestrel's bind failure: one line instead of a stack trace, as for any unusable setting.
    Log.ForContext("SourceContext", "Janus.Actors.Host").Fatal("Invalid configuration: Api:Urls cannot be bound: {Reason} (another process listens there; choose another port)", e.Message);
    return 2;
}
catch (Exception e) when (e is not HostAbortedException) // the build-time OpenAPI generator stops the host it built so
{
    Log.ForContext("SourceContext", "Janus.Actors.Host").Fatal(e, "Janus.Actors.Host stopped after an unexpected failure");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
