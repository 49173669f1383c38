using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Janus.Actors.Tests.Fixtures;

/// <summary>One line as an operator's logging receives it: category, level, rendered text, structured values.</summary>
public sealed record LogRecord(DateTimeOffset At, string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);

/// <summary>Keeps every line logged through Microsoft.Extensions.Logging, for specs about what gets logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogRecord> All { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, All);

    public void Dispose() { }

    private sealed class RecordingLogger(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : new();
            records.Enqueue(new LogRecord(DateTimeOffset.UtcNow, category, logLevel, formatter(state, exception), values, exception));
        }
    }
}
