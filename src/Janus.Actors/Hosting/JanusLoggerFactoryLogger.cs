using System.Collections;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Janus.Actors.Hosting;

/// <summary>
/// Akka's log events to <see cref="ILoggerFactory"/>, each under the category of the class that logged it
/// (<c>Janus.Actors.Sessions.JanusSessionActor</c>, <c>Akka.Cluster.Cluster</c>, …) rather than one
/// <c>Akka.Actor.ActorSystem</c> for everything: an operator can turn <c>Janus.Actors</c> to Debug and keep
/// <c>Akka</c> at Warning. Message templates stay structured (<c>{SessionKey}</c> is a property; <c>{OriginalFormat}</c>
/// and <c>LogSource</c>, the actor path, come along). <c>AddJanusSessions</c>
/// installs it; an application that configures Akka.Hosting itself adds it with
/// <c>ConfigureLoggers(l => { l.ClearLoggers(); l.AddLogger&lt;JanusLoggerFactoryLogger&gt;(); })</c>.
/// </summary>
public sealed class JanusLoggerFactoryLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public JanusLoggerFactoryLogger()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        _factory = setup.HasValue
            ? setup.Value.LoggerFactory
            : throw new ConfigurationException($"{nameof(JanusLoggerFactoryLogger)} needs a {nameof(LoggerFactorySetup)} in the ActorSystem's setup (Akka.Hosting adds one)");
    }

    /// <summary>
    /// Akka publishes only what is at or above <c>akka.loglevel</c>: the most verbose level the application's logging
    /// enables for the library's classes or for Akka, so that turning <c>Janus.Actors</c> (or one of its classes) to Debug
    /// in the usual logging configuration is enough.
    /// </summary>
    public static AkkaLogLevel AkkaLogLevelFor(ILoggerFactory? factory)
    {
        if (factory is null) return AkkaLogLevel.InfoLevel;
        var loggers = Categories.Select(factory.CreateLogger).ToList();
        bool Enabled(LogLevel level) => loggers.Any(l => l.IsEnabled(level));
        return Enabled(LogLevel.Debug) ? AkkaLogLevel.DebugLevel
            : Enabled(LogLevel.Information) ? AkkaLogLevel.InfoLevel
            : Enabled(LogLevel.Warning) ? AkkaLogLevel.WarningLevel
            : AkkaLogLevel.ErrorLevel;
    }

    // The classes that log, and Akka's root category.
    private static readonly string[] Categories =
    [
        "Akka", "Janus.Actors", typeof(Sessions.JanusSessionActor).FullName!, typeof(Registry.JanusSessionRegistry).FullName!,
        typeof(Registry.LocalSessionRegion).FullName!, typeof(Transports.JanusConnectionActor).FullName!,
        typeof(Transports.RestTransportActor).FullName!, typeof(Persistence.JanusSessionJournal).FullName!,
    ];

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent e:
                Log(e);
                return true;
            default:
                return false;
        }
    }

    private void Log(LogEvent e)
    {
        var level = e.LogLevel() switch
        {
            AkkaLogLevel.DebugLevel => LogLevel.Debug,
            AkkaLogLevel.InfoLevel => LogLevel.Information,
            AkkaLogLevel.WarningLevel => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        var logger = LoggerFor(e);
        if (logger.IsEnabled(level))
            logger.Log(level, default, new TemplateValues(e), e.Cause, static (values, _) => values.ToString());
    }

    // Events logged under a plain string source (Logging.GetLogger(system, "name")) carry a placeholder class, and Akka
    // appends the system's address to the name: "name (akka://system)".
    private ILogger LoggerFor(LogEvent e)
    {
        var category = e.LogClass is null || e.LogClass == typeof(DummyClassForStringSources)
            ? (e.LogSource ?? "Akka").Split(" (akka", 2)[0]
            : e.LogClass.FullName ?? e.LogClass.Name;
        if (!_loggers.TryGetValue(category, out var logger))
            _loggers[category] = logger = _factory.CreateLogger(category);
        return logger;
    }

    /// <summary>A log event's template and its named values, as Microsoft.Extensions.Logging's own message state carries them.</summary>
    private sealed class TemplateValues : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly LogEvent _event;
        private readonly List<KeyValuePair<string, object?>> _values = [];

        public TemplateValues(LogEvent e)
        {
            _event = e;
            if (e.Message is LogMessage message)
            {
                var names = MessageTemplate.Names(message.Format);
                var index = 0;
                foreach (var value in message.Parameters())
                    if (index < names.Count) _values.Add(new(names[index++], value));
                _values.Add(new("{OriginalFormat}", message.Format));
            }
            _values.Add(new("LogSource", e.LogSource));
        }

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => _event.Message?.ToString() ?? "";
    }
}
