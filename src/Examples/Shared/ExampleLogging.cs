using Microsoft.Extensions.Logging;

namespace Janus.Actors.Examples;

public static class ExampleLogging
{
    /// <summary>One line per log entry, with a timestamp; the library's own logs (Akka, at Info) stay visible.</summary>
    public static ILoggingBuilder AddExampleConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.AddFilter("Microsoft", LogLevel.Warning);
        return logging;
    }
}
