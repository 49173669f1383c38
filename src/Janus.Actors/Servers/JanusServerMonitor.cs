using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Transports;

namespace Janus.Actors.Servers;

/// <summary>
/// Watches one Janus server for its node's registry: asks it for <c>info</c> every
/// <see cref="JanusOptions.ServerProbeInterval"/> (over REST, else or when REST fails over a short-lived WebSocket) and
/// reports <see cref="Probed"/>; drains and undrains it through its Admin API when one is configured. A server that stops
/// answering is logged once, and once more when it answers again.
/// </summary>
internal sealed class JanusServerMonitor : ReceiveActor, IWithTimers
{
    /// <summary>What the last probe found: <paramref name="Info"/>, or the <paramref name="Problem"/> that kept it from answering.</summary>
    internal sealed record Probed(string Server, JanusServerInfo? Info, string? Problem) : INoSerializationVerificationNeeded;

    /// <summary>Set Janus's <c>accept_new_sessions</c>; answered to <paramref name="ReplyTo"/>'s registry with <see cref="AdminApplied"/>.</summary>
    internal sealed record SetAcceptNewSessions(bool Accept, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    /// <summary>The Admin API's answer (<paramref name="Problem"/> null: applied); a fresh probe is started with it.</summary>
    internal sealed record AdminApplied(string Server, bool Accept, IActorRef ReplyTo, string? Problem) : INoSerializationVerificationNeeded;

    private sealed record Probe : INoSerializationVerificationNeeded
    {
        public static readonly Probe Instance = new();
    }

    private readonly JanusServerLink _server;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JanusAdminClient? _admin;
    private bool? _reachable;

    public JanusServerMonitor(JanusServerLink server)
    {
        _server = server;
        if (server.Settings is { AdminUrl: { } url, AdminSecret: { } secret }) _admin = new JanusAdminClient(url, secret);
        Receive<Probe>(_ => ProbeNow());
        Receive<Probed>(OnProbed);
        Receive<SetAcceptNewSessions>(OnSetAccept);
        Receive<AdminApplied>(applied =>
        {
            ProbeNow(); // the next probe shows Janus's own accepting-new-sessions
            Context.Parent.Tell(applied);
        });
    }

    public static Props Props(JanusServerLink server) => Akka.Actor.Props.Create(() => new JanusServerMonitor(server));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        ProbeNow();
        Timers.StartPeriodicTimer("probe", Probe.Instance, _server.Options.ServerProbeInterval);
    }

    protected override void PostStop() => _admin?.Dispose();

    private void ProbeNow()
    {
        var name = _server.Settings.Name;
        var timeout = _server.Options.RequestTimeout;
        InfoAsync(_server, timeout).PipeTo(Self,
            success: info => new Probed(name, info, null),
            failure: cause => new Probed(name, null, (cause.InnerException ?? cause).Message));
    }

    /// <summary>REST first (cheapest); a server whose REST transport is down but whose WebSocket answers is still up.</summary>
    private static async Task<JanusServerInfo> InfoAsync(JanusServerLink server, TimeSpan timeout)
    {
        var options = server.Options;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            // Over REST on the server's own probe connection, counted in its REST budget.
            return server.Rest is { } rest
                ? await JanusServerProbe.InfoAsync(options, rest.Probe, cancel.Token).ConfigureAwait(false)
                : await JanusServerProbe.InfoAsync(options, cancel.Token).ConfigureAwait(false);
        }
        catch (JanusServerUnavailableException) when (options is { RestUrl: not null, WebSocketUrl: not null })
        {
            return await JanusServerProbe.InfoAsync(options with { RestUrl = null }, cancel.Token).ConfigureAwait(false);
        }
    }

    private void OnProbed(Probed probed)
    {
        var reachable = probed.Info is not null;
        if (!reachable) _server.Rest?.Unreachable($"its info probe failed: {probed.Problem}"); // its REST sessions hear it
        if (reachable != _reachable)
        {
            if (!reachable) _log.Warning("Janus server '{Server}' is unreachable: {Problem}", probed.Server, probed.Problem);
            else if (_reachable == false) _log.Info("Janus server '{Server}' answers again", probed.Server);
            _reachable = reachable;
        }
        Context.Parent.Tell(probed);
    }

    private void OnSetAccept(SetAcceptNewSessions set)
    {
        var name = _server.Settings.Name;
        if (_admin is null)
        {
            Self.Tell(new AdminApplied(name, set.Accept, set.ReplyTo, "no Admin API is configured for this server (AdminUrl, AdminSecret)"));
            return;
        }
        _admin.AcceptNewSessionsAsync(set.Accept).PipeTo(Self,
            success: () => new AdminApplied(name, set.Accept, set.ReplyTo, null),
            failure: cause => new AdminApplied(name, set.Accept, set.ReplyTo, $"the Admin API did not apply it: {(cause.InnerException ?? cause).Message}"));
    }
}
