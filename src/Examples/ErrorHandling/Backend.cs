using Janus.Actors;
using Janus.Actors.Examples;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorHandling;

/// <summary>
/// One life of the backend: a generic host with <c>AddJanusSessions</c> on a SQLite journal, as in the other examples,
/// but inside the demo's process so that one demo can run several lives of it. Stopping it closes its Janus
/// connections exactly like a crash does, and never destroys a Janus session.
/// </summary>
public sealed class Backend : IAsyncDisposable
{
    private readonly IHost _host;

    private Backend(IHost host)
    {
        _host = host;
        Sessions = host.Services.GetRequiredService<IJanusSessions>();
        Calls = host.Services.GetRequiredService<CallSessions>();
    }

    public IJanusSessions Sessions { get; }

    public CallSessions Calls { get; }

    public static async Task<Backend> StartAsync(JanusOptions janus, string journalFile, LogRecorder log)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddExampleConsole();
        builder.Logging.AddProvider(log);
        // The recorder also keeps the sessions' Debug lines (each retry and its backoff), which the console leaves out.
        builder.Logging.AddFilter<LogRecorder>("Janus.Actors.Sessions", LogLevel.Debug);
        builder.Services.AddJanusSessions(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journalFile}"));
        builder.Services.AddSingleton<CallSessions>();
        var host = builder.Build();
        await host.StartAsync();
        return new Backend(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Keeps every log line of the backends (the library's included), so the demo can count retries.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public int Count(string text)
    {
        lock (_lines)
            return _lines.Count(l => l.Contains(text, StringComparison.Ordinal));
    }

    /// <summary>The first line containing <paramref name="text"/>, from its first occurrence of <paramref name="text"/> on.</summary>
    public string? Find(string text)
    {
        lock (_lines)
            return _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line
                ? line[line.IndexOf(text, StringComparison.Ordinal)..]
                : null;
    }

    /// <summary>The first group of <paramref name="pattern"/> in every line that matches it.</summary>
    public IReadOnlyList<string> Matching(string pattern)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        lock (_lines)
            return _lines.Select(l => regex.Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
    }

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder recorder) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            lock (recorder._lines)
                recorder._lines.Add(formatter(state, exception));
        }
    }
}
