using System.Reflection;
using Microsoft.AspNetCore.Authentication;
using Akka.Hosting;
using Janus.Actors.Diagnostics;
using Janus.Actors.Host.Api;
using Janus.Actors.Host.Configuration;
using Janus.Actors.Host.Diagnostics;
using Janus.Actors.Host.StatusPage;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;

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
        // Secrets as files (docker-compose.yml mounts them in /run/secrets): each file is the setting its name says
        // (Api__Token is Api:Token), over the environment and the command line.
        builder.Configuration.AddKeyPerFile(SecretsDirectory, optional: true);
        var scratch = GeneratingApiDocument ? UseScratchSettings(builder.Configuration) : null;
        var settings = HostSettings.Load(builder.Configuration);

        builder.AddHostLogging(settings.JsonLogs);
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
            json.SerializerOptions.NumberHandling = HostJsonContext.Api.Options.NumberHandling;
        });

        // Also bridges Akka's logs to Microsoft.Extensions.Logging (hence Serilog) and creates the SQLite file's directory.
        builder.Services.AddJanusSessions(settings.Janus, settings.Journal, (akka, _) =>
        {
            // Prepended after the library's own HOCON, so Akka:Hocon wins over every embedded hocon/*.conf key.
            if (settings.AkkaHocon is { } hocon)
                akka.AddHocon(Akka.Configuration.ConfigurationFactory.ParseString(hocon), Akka.Hosting.HoconAddMode.Prepend);
        }, settings.Cluster);

        builder.Services.AddHealthChecks().AddJanusSessionChecks(HealthEndpoint.ReadinessTag);
        HostTelemetry.AddTo(builder);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Routing refuses a body of another type before any endpoint runs (the endpoints declare what they accept).
            if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType, Detail: null } problem)
                problem.Detail = "Content-Type must be application/json";
        });
        builder.Services.AddApiToken(settings.Api.Token);
        builder.Services.AddApiDocument();
        builder.Services.AddSingleton<EventSubscriptions>();
        HostMetrics.Start();
        var app = builder.Build();
        if (scratch is not null)
            app.Lifetime.ApplicationStopped.Register(() => Directory.Delete(scratch, recursive: true));
        app.UseMiddleware<ApiErrors>();
        app.UseStatusCodePages(); // answers without a body (405, ...) get a problem body too
        app.UseRouting();
        app.UseAuthentication();
        if (settings.Api.Token is not null)
            app.Use(RequireTokenForUnknownPaths);
        app.UseAuthorization();
        app.UseRequestMetrics();
        app.MapHealthEndpoint();
        app.MapMetricsEndpoint();
        app.MapStatusPage();
        app.MapSessionEndpoints();
        app.MapOpenApi().ExcludeFromDescription();
        if (settings.Cluster is not null) app.MapClusterEndpoint();
        return app;
    }

    /// <summary>
    /// True while the build's OpenAPI generator (GetDocument.Insider) runs this application to read its endpoints
    /// (<c>openapi/</c> is written by every build).
    /// </summary>
    public static bool GeneratingApiDocument => Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>
    /// The generator runs the application without its configuration: a journal in a scratch folder (deleted when it
    /// stops), a Janus that is never contacted, warnings only. Returns the folder.
    /// </summary>
    private static string UseScratchSettings(ConfigurationManager configuration)
    {
        var scratch = Directory.CreateTempSubdirectory("janus-actors-openapi-").FullName;
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/",
            ["Janus:RestUrl"] = "",
            ["Journal:Provider"] = "sqlite",
            ["Journal:ConnectionString"] = $"Data Source={Path.Combine(scratch, "journal.db")}",
            ["Journal:Standby"] = "false",
            ["Cluster:Enabled"] = "false",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        return scratch;
    }

    /// <summary>
    /// A request that matches no endpoint needs the token too (the fallback authorization policy only guards endpoints):
    /// an unknown path is no way to probe the API.
    /// </summary>
    private static async Task RequireTokenForUnknownPaths(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is null && context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync();
            return;
        }
        await next(context);
    }

    /// <summary>Where secrets are read from as files: <c>JANUS_ACTORS_SECRETS</c>, else <c>/run/secrets</c> (Docker's place for them).</summary>
    public static string SecretsDirectory =>
        Environment.GetEnvironmentVariable("JANUS_ACTORS_SECRETS") is { Length: > 0 } folder ? Path.GetFullPath(folder) : "/run/secrets";

    /// <summary>How long the start-up check waits for the journal before giving up.</summary>
    public static readonly TimeSpan StartupJournalTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fails fast when the journal cannot be opened or does not answer: without it no session can be created or recovered,
    /// and a host that started anyway would only answer 503s. Throws <see cref="HostConfigurationException"/> naming
    /// <c>Journal:ConnectionString</c> with the reason (never the connection string). A SQLite file and its directory
    /// are created here, as the journal would on first use.
    /// </summary>
    public static async Task CheckJournalAsync(HostSettings settings)
    {
        using var timeout = new CancellationTokenSource(StartupJournalTimeout);
        try
        {
            if (settings.Journal.Provider == JanusJournalProvider.Sqlite)
                _ = JanusPersistence.ToConfig(settings.Journal); // creates the directory and the file, switches it to WAL
            await JanusPersistence.CheckAsync(settings.Journal, timeout.Token);
        }
        catch (JanusJournalUnavailableException e)
        {
            throw new HostConfigurationException("Journal:ConnectionString", $"cannot be reached: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            throw new HostConfigurationException("Journal:ConnectionString", $"cannot be reached: the {settings.Journal} did not answer within {StartupJournalTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            throw new HostConfigurationException("Journal:ConnectionString", $"cannot be opened: {e.Message}");
        }
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
