using Janus.Actors.Host.Api;
using Janus.Actors.Host.Configuration;
using Janus.Actors.Host.Diagnostics;
using Janus.Actors.Hosting;

namespace Janus.Actors.Host;

/// <summary>Composes the host: settings, logging, Kestrel, the session façade and the HTTP API.</summary>
public static class HostApplication
{
    /// <summary>Builds the application; throws <see cref="HostConfigurationException"/> when a setting is unusable.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json ships beside the dll; the working directory only anchors relative journal paths.
            ContentRootPath = AppContext.BaseDirectory,
        });
        var settings = HostSettings.Load(builder.Configuration);

        builder.AddHostLogging();
        builder.WebHost.UseUrls(settings.Api.Urls.ToArray());
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ApiInput.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton(settings);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, HostJsonContext.Api);
            json.SerializerOptions.Encoder = HostJsonContext.Api.Options.Encoder;
        });

        // Also bridges Akka's logs to Microsoft.Extensions.Logging (hence Serilog) and creates the SQLite file's directory.
        builder.Services.AddJanusSessions(settings.Janus, settings.Journal);

        HostMetrics.Start();
        var app = builder.Build();
        app.UseMiddleware<ApiErrors>();
        app.UseRouting();
        app.UseApiToken(settings.Api.Token);
        app.UseRequestMetrics();
        app.MapHealthEndpoint();
        app.MapMetricsEndpoint();
        app.MapSessionEndpoints();
        return app;
    }

    /// <summary>Logs what the host is about to serve (never a secret) and warns about an exposed, token-less API.</summary>
    public static void LogStartup(WebApplication app, HostSettings settings)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Janus.Actors.Host");
        logger.LogInformation("Starting with {Settings}; API token {ApiToken}", settings.ToString(), settings.Api.Token is null ? "not set" : "set");
        if (!settings.Api.LoopbackOnly && settings.Api.Token is null)
            logger.LogWarning("Api:Urls binds {ApiUrls}, beyond loopback, and Api:Token is not set: anyone who reaches it can create, claim and destroy Janus sessions",
                string.Join(' ', settings.Api.Urls));
    }
}
