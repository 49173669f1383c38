using System.Security.Cryptography;

namespace Janus.Actors.Fixtures;

/// <summary>
/// How a test <see cref="JanusServer"/> is configured. Defaults are Janus 1.1.2's own defaults for the timeouts,
/// so a test that cares about reclaiming must say so (the specs' <c>JanusFixture</c> has crash-test defaults).
/// </summary>
public sealed record JanusServerOptions
{
    /// <summary>Janus <c>session_timeout</c> in seconds: a session with no request for this long is destroyed. 0 disables it.</summary>
    public int SessionTimeoutSeconds { get; init; } = 60;

    /// <summary>
    /// Janus <c>reclaim_session_timeout</c> in seconds: how long a session outlives its WebSocket. 0 (Janus's default)
    /// destroys the session as soon as its socket closes.
    /// </summary>
    public int ReclaimSessionTimeoutSeconds { get; init; }

    /// <summary>Janus <c>api_secret</c>; null leaves the Janus API open.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Janus <c>admin_secret</c> for the Admin API; random per server unless set.</summary>
    public string AdminSecret { get; init; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// File-descriptor limit (<c>ulimit -n</c>) Janus is started with: it bounds how many sockets Janus accepts.
    /// When the hard limit is lower and cannot be raised (containers), Janus gets the hard limit instead.
    /// </summary>
    public int FileDescriptorLimit { get; init; } = 65536;

    /// <summary>
    /// <c>mhd_connection_limit</c> of Janus's HTTP transport: how many HTTP connections it serves at once (a REST session's
    /// long poll holds one). Janus's own default (1,020), as an operator who never heard of it has it — not
    /// <c>deploy/janus</c>'s, which raises it.
    /// </summary>
    public int MhdConnectionLimit { get; init; } = JanusDefaultMhdConnectionLimit;

    /// <summary>Janus's default <c>mhd_connection_limit</c> (<c>FD_SETSIZE - 4</c> in <c>janus_http.c</c>).</summary>
    public const int JanusDefaultMhdConnectionLimit = 1020;

    /// <summary>Janus <c>debug_level</c>: 4 logs every session create/destroy; use 3 (warnings) for load tests.</summary>
    public int DebugLevel { get; init; } = 4;

    /// <summary>
    /// Where Janus's sample event handler (<c>libjanus_sampleevh</c>) posts its session and handle events — created,
    /// destroyed, timeout, attached, detached — as JSON; null (the default) leaves event handlers off.
    /// </summary>
    public Uri? EventHandlerUrl { get; init; }

    /// <summary>How long <see cref="JanusServer.StartAsync"/> waits for Janus to answer before failing.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long <see cref="JanusServer.StopAsync"/> waits after SIGTERM before sending SIGKILL.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Janus executable: Debian's (package <c>janus</c>), or one built from source (<see cref="JanusConfigFiles.JanusPrefixVariable"/>).</summary>
    public string JanusExecutable { get; init; } = JanusConfigFiles.Executable();

    /// <summary>The folder of that Janus's <c>plugins</c>, <c>transports</c>, <c>events</c> and <c>loggers</c> folders.</summary>
    public string JanusLibraryFolder
    {
        get => field ??= JanusConfigFiles.LibraryFolder();
        init;
    }
}
