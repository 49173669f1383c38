using Janus.Actors.Host;
using Janus.Actors.Host.Configuration;
using Serilog;

// Exit codes: 0 after a graceful stop (SIGTERM, Ctrl-C), 2 for unusable configuration, 1 for anything else.
Log.Logger = HostLogging.CreateBootstrapLogger();
try
{
    var app = HostApplication.Build(args);
    HostApplication.LogStartup(app, app.Services.GetRequiredService<HostSettings>());
    await app.RunAsync();
    return 0;
}
catch (HostConfigurationException e)
{
    Log.Fatal("Invalid configuration: {Setting} {Problem}", e.Setting, e.Problem);
    return 2;
}
catch (Exception e)
{
    Log.Fatal(e, "Janus.Actors.Host stopped after an unexpected failure");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
