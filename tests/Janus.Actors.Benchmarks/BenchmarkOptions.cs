using System.Globalization;

namespace Janus.Actors.Benchmarks;

/// <summary>The journals the scenario can run the host on.</summary>
public enum JournalKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>Which Janus transport the benchmark's sessions use.</summary>
public enum BenchTransport
{
    WebSocket,
    Rest,

    /// <summary>Every other session REST, the rest WebSocket.</summary>
    Mixed,
}

/// <summary>Command-line options of the benchmark. <see cref="Parse"/> throws <see cref="UsageException"/> on bad input.</summary>
public sealed record BenchmarkOptions
{
    public const string Usage = """
        Usage: ./build.sh bench [options]

        Scenario "reclaim after SIGKILL": a real Janus, the real host on a journal, N WebSocket sessions created
        through the HTTP API; then the host is SIGKILLed, one raw WebSocket claims the same Janus sessions on the
        idle Janus (the baseline), the host is started again, and the time until every session is active again is
        compared with the baseline. Also reported: creates/s, host RSS per idle session, the machine's load.

        Scenario "cluster failover" (--cluster): a real Janus, --nodes host processes in one Akka.NET cluster on one
        PostgreSQL journal; sessions are created through all nodes until the last node (not a seed) hosts N of them;
        it is SIGKILLed and the time until the survivors see it unreachable, down it, and have every one of its
        sessions active again is split up and compared, in the same invocation, with the raw one-socket claim of
        the same sessions and with the single-node scenario above (PostgreSQL, same N).

        Scenario "churn" (--churn N): a host with --sessions live sessions makes N calls of create → attach →
        message → destroy, --create-concurrency in flight, waits until the ended sessions are forgotten (--retention),
        and is SIGKILLed: the time until its live sessions are active again, its RSS, and the journal's rows and size,
        beside a host on a fresh journal that only ever held the same live sessions (same run, same Janus).

          --sessions N            sessions to create and reclaim (default 1000); with --cluster: on the killed node;
                                  with --churn: the live sessions
          --runs K                kill/restart cycles per journal (default 3)
          --journal J             sqlite | postgresql | both (default both; --cluster: postgresql)
          --standby               hot standby: a second host waits on the same journal (Journal:Standby=true); each run
                                  SIGKILLs the holder and times the standby's take-over (the killed host comes back
                                  as the next standby); the raw baseline runs just before the kill
          --servers S             spread the sessions over S Janus servers (Janus:Servers, default placement); with
                                  S > 1 each journal runs with one server first, the same N, as the baseline
          --transport T           websocket | rest | mixed (default websocket): REST sessions each get an echotest
                                  handle, so each holds a long poll, as a backend's do; their raw baseline claims over
                                  REST on 16 connections; reported too: the HTTP connections Janus held at peak
                                  (its side, from the kernel) and a REST echo's latency through the host. Janus keeps
                                  its default mhd_connection_limit (1,020) up to 1,000 REST sessions per server, and
                                  is raised beyond (the host's Janus:RestConnectionLimit with it)
          --cluster               the cluster failover scenario (and its single-node baseline)
          --handles               WebSocket sessions get an echotest handle each too; each run also reports SIGKILL → every
                                  handle resynced (SessionReclaimed told, read back from Janus's Admin API)
          --churn N               the churn scenario with N calls
          --retention S           Journal:EndedSessionRetention in seconds for --churn (default 5)
          --nodes M               cluster nodes, at least 2 (default 3)
          --reclaim-timeout S     Janus reclaim_session_timeout for --cluster (default 60; deploy/janus has 30)
          --create-concurrency C  session creates in flight through the API (default 32)
          --raw-in-flight R       claims in flight for the raw baselines (default 128)
          --poll-ms P             GET /v1/session-counts period while waiting for recovery (default 50)
          --timeout-seconds S     give up waiting for all sessions to be active (default 120)
          --logs DIR              keep each host's and Janus's log in DIR (default: deleted)
          --host-setting K=V      extra host configuration or environment variable, repeatable, for profiling:
                                  Serilog:MinimumLevel:Default=Warning, DOTNET_EnableEventPipe=1, ...
          -h, --help              this text

        Exit code 0 when every run passed; 1 when a session was lost, changed its Janus id, or did not come back
        in time; 2 for bad arguments.
        """;

    public int Sessions { get; init; } = 1000;
    public int Runs { get; init; } = 3;
    public IReadOnlyList<JournalKind> Journals { get; init; } = [JournalKind.Sqlite, JournalKind.PostgreSql];
    public int CreateConcurrency { get; init; } = 32;
    public int RawInFlight { get; init; } = 128;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public string? LogsDirectory { get; init; }
    public IReadOnlyDictionary<string, string?> HostSettings { get; init; } = new Dictionary<string, string?>();
    public bool Cluster { get; init; }
    public bool Standby { get; init; }
    public int Nodes { get; init; } = 3;
    public int Servers { get; init; } = 1;
    public BenchTransport Transport { get; init; } = BenchTransport.WebSocket;
    public int ReclaimTimeoutSeconds { get; init; } = 60;
    public bool HelpRequested { get; init; }
    public int Churn { get; init; }
    public bool Handles { get; init; }
    public TimeSpan Retention { get; init; } = TimeSpan.FromSeconds(5);

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value");
            options = name switch
            {
                "--sessions" => options with { Sessions = Positive(name, Value()) },
                "--runs" => options with { Runs = Positive(name, Value()) },
                "--journal" => options with { Journals = ParseJournals(Value()) },
                "--create-concurrency" => options with { CreateConcurrency = Positive(name, Value()) },
                "--raw-in-flight" => options with { RawInFlight = Positive(name, Value()) },
                "--poll-ms" => options with { PollInterval = TimeSpan.FromMilliseconds(Positive(name, Value())) },
                "--timeout-seconds" => options with { RecoveryTimeout = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--logs" => options with { LogsDirectory = Path.GetFullPath(Value()) },
                "--host-setting" => options with { HostSettings = WithSetting(options.HostSettings, Value()) },
                "--cluster" => options with { Cluster = true, Journals = [JournalKind.PostgreSql] },
                "--standby" => options with { Standby = true },
                "--handles" => options with { Handles = true },
                "--servers" => options with { Servers = Positive(name, Value()) },
                "--transport" => options with { Transport = ParseTransport(Value()) },
                "--nodes" => options with { Nodes = Positive(name, Value()) is var nodes and >= 2 ? nodes : throw new UsageException("--nodes must be at least 2") },
                "-h" or "--help" => options with { HelpRequested = true },
                "--reclaim-timeout" => options with { ReclaimTimeoutSeconds = Positive(name, Value()) },
                "--churn" => options with { Churn = Positive(name, Value()) },
                "--retention" => options with { Retention = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--" => options, // ./build.sh bench -- --cluster passes the separator through
                _ => throw new UsageException($"unknown option '{name}'"),
            };
        }
        if (options.Churn > 0 && (options.Cluster || options.Standby || options.Servers > 1 || options.Transport != BenchTransport.WebSocket))
            throw new UsageException("--churn is a single-host scenario with WebSocket sessions: not with --cluster, --standby, --servers or --transport");
        if (options.Cluster && options.Standby)
            throw new UsageException("--standby is a single-node scenario: a cluster node never waits as a standby");
        if (options.Servers > 1 && (options.Cluster || options.Standby))
            throw new UsageException("--servers is a single-host scenario: not with --cluster or --standby");
        if (options.Cluster && options.Transport != BenchTransport.WebSocket)
            throw new UsageException("--transport is for the single-host scenarios: the cluster one runs WebSocket sessions");
        if (options.Cluster && options.Journals is not [JournalKind.PostgreSql])
            throw new UsageException("--cluster runs on PostgreSQL only (every node shares the journal)");
        return options;
    }

    public override string ToString() =>
        (Churn > 0 ? $"churn of {Churn} calls, retention {Retention.TotalSeconds:0} s, " : "") +
        (Cluster ? $"cluster of {Nodes}, Janus reclaim_session_timeout {ReclaimTimeoutSeconds} s, " : "") +
        (Standby ? "hot standby take-over, " : "") +
        (Servers > 1 ? $"1 then {Servers} Janus servers, " : "") +
        $"{Name(Transport)} sessions, " +
        $"{Sessions} sessions, {Runs} run(s) per journal, journals {string.Join(", ", Journals.Select(Name))}, " +
        $"{CreateConcurrency} creates in flight, raw baselines {RawInFlight} claims in flight, poll every {PollInterval.TotalMilliseconds:0} ms" +
        (HostSettings.Count == 0 ? "" : $", host settings {string.Join(" ", HostSettings.Select(s => $"{s.Key}={s.Value}"))}");

    public static string Name(JournalKind journal) => journal == JournalKind.Sqlite ? "sqlite" : "postgresql";

    public static string Name(BenchTransport transport) => transport switch
    {
        BenchTransport.Rest => "rest",
        BenchTransport.Mixed => "mixed",
        _ => "websocket",
    };

    private static BenchTransport ParseTransport(string value) => value switch
    {
        "websocket" => BenchTransport.WebSocket,
        "rest" => BenchTransport.Rest,
        "mixed" => BenchTransport.Mixed,
        _ => throw new UsageException($"--transport must be websocket, rest or mixed, not '{value}'"),
    };

    private static IReadOnlyList<JournalKind> ParseJournals(string value) => value switch
    {
        "sqlite" => [JournalKind.Sqlite],
        "postgresql" => [JournalKind.PostgreSql],
        "both" => [JournalKind.Sqlite, JournalKind.PostgreSql],
        _ => throw new UsageException($"--journal must be sqlite, postgresql or both, not '{value}'"),
    };

    private static Dictionary<string, string?> WithSetting(IReadOnlyDictionary<string, string?> settings, string keyValue)
    {
        var separator = keyValue.IndexOf('=');
        if (separator < 1)
            throw new UsageException($"--host-setting needs KEY=VALUE, not '{keyValue}'");
        return new Dictionary<string, string?>(settings) { [keyValue[..separator]] = keyValue[(separator + 1)..] };
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new UsageException($"{name} must be a positive whole number, not '{value}'");
}

/// <summary>Bad command-line input: the message says what, <see cref="BenchmarkOptions.Usage"/> says how.</summary>
public sealed class UsageException(string message) : Exception(message);
