namespace Janus.Actors.Tests;

/// <summary>
/// Every spec class says how it runs, as an xunit trait, so that either half runs alone:
/// <c>dotnet test tests/Janus.Actors.Tests --filter Kind=InProcess</c> (actors, serializers, SQLite files, in-process
/// fakes: seconds) or <c>--filter Kind=EndToEnd</c> (real Janus, PostgreSQL, host processes, build.sh, examples).
/// </summary>
public static class SpecKind
{
    public const string Name = "Kind";

    /// <summary>Nothing but this process (and files of its own).</summary>
    public const string InProcess = "InProcess";

    /// <summary>Real servers and processes: Janus, PostgreSQL, the host, build.sh, docker-compose, the examples.</summary>
    public const string EndToEnd = "EndToEnd";
}
