using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Janus.Actors.Host;

/// <summary>
/// Serilog to the console with semantic templates. Microsoft.Extensions.Logging (ASP.NET Core, Akka via Akka.Hosting's
/// logger-factory bridge) writes through it. Levels come from the <c>Serilog</c> configuration section.
/// Nothing here may log a secret: the API token, the Janus api secret/token, or a journal connection string.
/// </summary>
public static class HostLogging
{
    private const string Template = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The logger used until the host is built, and for start-up failures.</summary>
    public static Serilog.ILogger CreateBootstrapLogger() =>
        new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithProperty("SourceContext", "Janus.Actors.Host")
            .WriteTo.Console(outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();

    /// <param name="builder">The host being built.</param>
    /// <param name="json">Compact JSON (one event a line, properties kept) instead of text for people.</param>
    public static void AddHostLogging(this WebApplicationBuilder builder, bool json)
    {
        builder.Services.AddSerilog((services, logger) => Console(logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            // The health-check service logs every unhealthy check of every probe as an Error: a standby or a Janus outage
            // would print one each few seconds under an orchestrator. /readyz says a change of readiness once instead.
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Fatal)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // A journal held by another host ends the start with one line of Program's, not with the generic host's
            // "Hosting failed to start" and a stack trace besides it.
            .Filter.ByExcluding(e => e.Exception is Janus.Actors.Persistence.JanusJournalHeldException)
            .WriteTo, json));
    }

    private static LoggerConfiguration Console(LoggerSinkConfiguration sink, bool json) => json
        ? sink.Console(new CompactJsonFormatter())
        : sink.Console(outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
}
