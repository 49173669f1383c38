using System.Globalization;

namespace Janus.Actors.Chaos;

/// <summary>Command-line options of the chaos soak. <see cref="Parse"/> throws <see cref="UsageException"/> on bad input.</summary>
public sealed record ChaosOptions
{
    public const string Usage = """
        Usage: ./build.sh chaos [options]

        A seeded fault soak: two real Janus servers (each reached through a TCP proxy the soak controls), the real host
        on a SQLite journal (with --standby a second host waits on it; with --cluster three cluster nodes share a private
        PostgreSQL instead), and a steady workload through the host's API —
        creates over WebSocket and REST, echotest attaches and messages, destroys. Episode after episode the seed picks
        one to three faults that overlap: SIGKILL or SIGSTOP (1–40 s) of a host, SIGKILL and restart of a Janus, a
        frozen Janus, a link cut, blackholed or delayed, the journal's filesystem full (as root), PostgreSQL restarted
        (--cluster). After each episode the
        workload pauses until the host settles, and Janus — its Admin API and its event handler, which posts every
        session created, destroyed and timed out to the soak — is the witness the checker holds the host to. The same
        seed gives the same faults in the same order. Exit code 1 on any violation.

          --minutes M       how long faults are injected (default 4; decimals allowed)
          --seed S          the schedule's seed (default 1)
          --standby         a hot standby host waits on the journal and must take over when the holder dies
          --cluster         three cluster nodes (sharding, remembered entities) on a private PostgreSQL 15
          --janus-prefix D  run the Janus installed from source under D (D/bin/janus, D/lib/janus); default: Debian's
                            1.1.2, or the one JANUS_ACTORS_JANUS_PREFIX names
          --report DIR      where report.txt, report.json and timeline.html go (default chaos-report/)
          --sessions N      sessions the workload keeps live (default 40)
          --self-test       instead of faults, lose an acknowledged session from the journal behind the host's back:
                            exit 0 only when the checker reports it (proof that the checker can fail)
        """;

    public double Minutes { get; init; } = 4;
    public int Seed { get; init; } = 1;
    public bool Standby { get; init; }
    public bool Cluster { get; init; }
    public bool SelfTest { get; init; }
    public string JanusExecutable { get; init; } = JanusConfigFiles.Executable();
    public string? JanusLibraryFolder { get; init; }
    public string ReportFolder { get; init; } = "chaos-report";
    public int Sessions { get; init; } = 40;
    public bool HelpRequested { get; init; }

    public TimeSpan Duration => TimeSpan.FromMinutes(Minutes);

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ChaosOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--minutes" => options with { Minutes = Positive(double.TryParse(Value(), CultureInfo.InvariantCulture, out var m) ? m : -1, "--minutes") },
                "--seed" => options with { Seed = int.TryParse(Value(), CultureInfo.InvariantCulture, out var s) ? s : throw new UsageException("--seed takes an integer") },
                "--standby" => options with { Standby = true },
                "--cluster" => options with { Cluster = true },
                "--self-test" => options with { SelfTest = true },
                "--janus-prefix" => Value() is var prefix
                    ? options with { JanusExecutable = Path.Combine(prefix, "bin", "janus"), JanusLibraryFolder = Path.Combine(prefix, "lib", "janus") }
                    : options,
                "--report" => options with { ReportFolder = Value() },
                "--sessions" => options with { Sessions = (int)Positive(int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) ? n : -1, "--sessions") },
                "-h" or "--help" => options with { HelpRequested = true },
                var unknown => throw new UsageException($"unknown option {unknown}"),
            };
        }
        if (options.Standby && options.Cluster)
            throw new UsageException("--standby and --cluster are two topologies: choose one");
        if (options.SelfTest && options.Cluster)
            throw new UsageException("--self-test edits the SQLite journal: it runs without --cluster");
        if (!File.Exists(options.JanusExecutable))
            throw new UsageException($"{options.JanusExecutable}: no such Janus executable");
        return options;
    }

    private static double Positive(double value, string name) =>
        value > 0 ? value : throw new UsageException($"{name} takes a positive number");

    public override string ToString() =>
        $"seed {Seed}, {Minutes.ToString(CultureInfo.InvariantCulture)} min, {Sessions} live sessions, " +
        $"{Topology}, two Janus servers ({JanusExecutable})";

    public string Topology => Cluster ? "three cluster nodes on PostgreSQL" : Standby ? "host + hot standby on SQLite" : "one host on SQLite";
}

/// <summary>A command line the soak cannot run.</summary>
public sealed class UsageException(string message) : Exception(message);
