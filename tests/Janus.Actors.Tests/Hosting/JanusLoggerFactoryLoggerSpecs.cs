using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Janus.Actors.Tests.Hosting;

/// <summary>What an operator's logging sees of the library's log lines: the logging class as category, structured values.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusLoggerFactoryLoggerSpecs : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _records = new();
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = DEBUG
            akka.loggers = ["Janus.Actors.Hosting.JanusLoggerFactoryLogger, Janus.Actors"]
            akka.logger-formatter = "Akka.Event.SemanticLogMessageFormatter, Akka"
            """);
        var factory = LoggerFactory.Create(builder => builder.AddProvider(_records).SetMinimumLevel(LogLevel.Debug));
        _system = ActorSystem.Create("logging", BootstrapSetup.Create().WithConfig(config).And(new LoggerFactorySetup(factory)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task An_actors_line_is_logged_under_its_class_with_its_template_values()
    {
        _system.ActorOf(Props.Create(() => new Chatty()), "chatty").Tell("go");

        var record = await WaitForAsync(r => r.Message.StartsWith("Session call-1 lost", StringComparison.Ordinal));

        Assert.Equal(typeof(Chatty).FullName, record.Category);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("Session call-1 lost: 458", record.Message);
        Assert.Equal("call-1", record.Values["SessionKey"]);
        Assert.Equal(458, record.Values["Code"]);
        Assert.Equal("Session {SessionKey} lost: {Code}", record.Values["{OriginalFormat}"]);
        Assert.Equal("akka://logging/user/chatty", record.Values["LogSource"]);
    }

    [Fact]
    public async Task A_line_under_a_string_source_is_logged_under_that_source()
    {
        Logging.GetLogger(_system, "Janus.Actors.Custom").Info("{Count} things", 3);

        var record = await WaitForAsync(r => r.Message == "3 things");

        Assert.Equal("Janus.Actors.Custom", record.Category);
        Assert.Equal(3, record.Values["Count"]);
    }

    [Theory]
    [InlineData(LogLevel.Information, null, Akka.Event.LogLevel.InfoLevel)]
    [InlineData(LogLevel.Warning, null, Akka.Event.LogLevel.WarningLevel)]
    [InlineData(LogLevel.Warning, "Janus.Actors.Sessions", Akka.Event.LogLevel.DebugLevel)]
    [InlineData(LogLevel.Warning, "Akka", Akka.Event.LogLevel.DebugLevel)]
    public void Akka_publishes_what_the_applications_logging_wants_of_the_library_or_Akka(LogLevel minimum, string? debugCategory,
        Akka.Event.LogLevel expected)
    {
        using var factory = LoggerFactory.Create(builder =>
        {
            builder.AddProvider(new RecordingLoggerProvider()).SetMinimumLevel(minimum);
            if (debugCategory is not null) builder.AddFilter(debugCategory, LogLevel.Debug);
        });

        Assert.Equal(expected, JanusLoggerFactoryLogger.AkkaLogLevelFor(factory));
    }

    private async Task<LogRecord> WaitForAsync(Func<LogRecord, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_records.All.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("no such line; lines: " + string.Join(" | ", _records.All.Select(r => $"{r.Category}: {r.Message}")));
    }

    private sealed class Chatty : ReceiveActor
    {
        public Chatty() => Receive<string>(_ => Context.GetLogger().Warning("Session {SessionKey} lost: {Code}", "call-1", 458));
    }
}
