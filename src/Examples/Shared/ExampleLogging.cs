using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Janus.Actors.Examples;

public static partial class ExampleLogging
{
    /// <summary>
    /// One short line per log entry, the library's own logs (Akka, at Info) included: the examples' output is meant to
    /// be read. Production code would keep the default console or Serilog (see the host) with full stack traces.
    /// </summary>
    public static ILoggingBuilder AddExampleConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(console => console.FormatterName = ExampleConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<ExampleConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddFilter("Microsoft", LogLevel.Warning);
        return logging;
    }

    /// <summary>
    /// <c>HH:mm:ss.fff level Category: message</c>. Akka's lines carry their own level, time and thread, and failures a
    /// full stack trace: only the actor path (under <c>/user/</c>) and the message before <c>Cause:</c> are kept;
    /// Akka's dead-letter notices are left out.
    /// </summary>
    private sealed partial class ExampleConsoleFormatter() : ConsoleFormatter(FormatterName)
    {
        public const string FormatterName = "example";

        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
        {
            var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
            // Akka's notice about messages to a transport stopped during a reclaim: expected, and long.
            if (message.Contains("dead letters encountered", StringComparison.Ordinal))
                return;
            message = AkkaPrefix().Replace(message, "[$1] ");
            if (Cause().Match(message) is { Success: true } cause)
                message = message[..cause.Index];
            if (logEntry.Exception is { } exception && !message.Contains(exception.Message, StringComparison.Ordinal))
                message += $" ({exception.GetType().Name}: {exception.Message})";
            var category = logEntry.Category[(logEntry.Category.LastIndexOf('.') + 1)..];
            textWriter.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {Level(logEntry.LogLevel)} {category}: {message}");
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };

        [GeneratedRegex(@"^\[(?:DEBUG|INFO|WARNING|ERROR)\]\[[^\]]*\]\[Thread \d+\]\[(?:akka://[^/]+/user/)?([^\]]*)\] ")]
        private static partial Regex AkkaPrefix();

        [GeneratedRegex(@"\s+Cause: ")]
        private static partial Regex Cause();
    }
}
