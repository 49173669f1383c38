using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Janus.Actors.Diagnostics;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using Janus.Actors.Registry;
using Janus.Actors.Transports;

namespace Janus.Actors.Hosting;

/// <summary>
/// The <see cref="IJanusSessions"/> façade: every call is one message to this node's
/// <see cref="Registry.JanusSessionRegistry"/>, which routes it to the session wherever it runs.
/// </summary>
public sealed class JanusSessions : IJanusSessions
{
    /// <summary>Notices a subscriber may fall behind by before its stream fails.</summary>
    public const int MaxBufferedNotices = 10_000;

    private readonly Func<CancellationToken, Task<IActorRef>> _registry;
    private readonly ActorSystem _system;
    private readonly TimeSpan _timeout;

    public JanusSessions(ActorSystem system, IActorRef registry, JanusOptions options)
        : this(system, _ => Task.FromResult(registry), options)
    {
    }

    internal JanusSessions(ActorSystem system, IRequiredActor<IJanusSessions> registry, JanusOptions options)
        : this(system, registry.GetAsync, options)
    {
    }

    private JanusSessions(ActorSystem system, Func<CancellationToken, Task<IActorRef>> registry, JanusOptions options)
    {
        _system = system;
        _registry = registry;
        _timeout = options.AskTimeout;
    }

    public Task<JanusSessionInfo> CreateAsync(string key, JanusTransportKind transport, long? adoptJanusSessionId = null, CancellationToken cancellationToken = default) =>
        AskAsync<JanusSessionInfo>(new CreateSession(key, transport, adoptJanusSessionId), cancellationToken);

    public Task<JanusSessionInfo> CreateAsync(CreateSession command, CancellationToken cancellationToken) =>
        AskAsync<JanusSessionInfo>(command ?? throw new ArgumentNullException(nameof(command)), cancellationToken);

    public async Task<IReadOnlyList<JanusServerStatus>> ListServersAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<SessionRegistryProtocol.ServerList>(SessionRegistryProtocol.ListServers.Instance, cancellationToken)).Servers;

    public Task<JanusDrainResult> DrainServerAsync(string server, CancellationToken cancellationToken = default) =>
        AskAsync<JanusDrainResult>(new SessionRegistryProtocol.DrainServer(server, Drain: true), cancellationToken);

    public Task<JanusDrainResult> UndrainServerAsync(string server, CancellationToken cancellationToken = default) =>
        AskAsync<JanusDrainResult>(new SessionRegistryProtocol.DrainServer(server, Drain: false), cancellationToken);

    public async Task<CreateOrResumeResult> CreateOrResumeAsync(string key, JanusTransportKind transport, CancellationToken cancellationToken = default)
    {
        try
        {
            return new CreateOrResumeResult(await CreateAsync(key, transport, cancellationToken: cancellationToken), Created: true);
        }
        catch (JanusSessionExistsException)
        {
            // The journal has the key: after a restart its session is being reclaimed, and the read waits for it to report.
            var existing = await GetAsync(key, cancellationToken)
                           ?? throw new JanusSessionUnavailableException(key, JanusSessionStatus.Reclaiming, "the session is restarting: try again");
            return new CreateOrResumeResult(existing, Created: false);
        }
    }

    public async Task<JanusSessionInfo?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AskAsync<JanusSessionInfo>(new GetSession(key), cancellationToken);
        }
        catch (JanusSessionNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<JanusSessionInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        (await AskAsync<SessionRegistryProtocol.SessionList>(SessionRegistryProtocol.ListSessions.Instance, cancellationToken)).Sessions;

    public async Task<long> AttachAsync(string key, string plugin, string? opaqueId = null, CancellationToken cancellationToken = default) =>
        (await AskAsync<HandleAttachedReply>(new AttachHandle(key, plugin, opaqueId), cancellationToken)).HandleId;

    public Task<PluginReply> SendAsync(string key, long handleId, JsonElement body, JsonElement? jsep = null, CancellationToken cancellationToken = default) =>
        AskAsync<PluginReply>(new SendPluginMessage(key, handleId, body, jsep), cancellationToken);

    public Task TrickleAsync(string key, long handleId, JsonElement candidate, CancellationToken cancellationToken = default) =>
        AskAsync<CommandDone>(new Trickle(key, handleId, candidate), cancellationToken);

    public Task HangupAsync(string key, long handleId, CancellationToken cancellationToken = default) =>
        AskAsync<CommandDone>(new Hangup(key, handleId), cancellationToken);

    public Task DetachAsync(string key, long handleId, CancellationToken cancellationToken = default) =>
        AskAsync<CommandDone>(new DetachHandle(key, handleId), cancellationToken);

    public Task DestroyAsync(string key, CancellationToken cancellationToken = default) =>
        AskAsync<CommandDone>(new DestroySession(key), cancellationToken);

    public async IAsyncEnumerable<IJanusSessionNotice> EventsAsync(string key, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<IJanusSessionNotice>(new BoundedChannelOptions(MaxBufferedNotices) { SingleReader = true, SingleWriter = true });
        var writer = _system.ActorOf(SessionNoticeWriter.Props(channel.Writer));
        try
        {
            await AskAsync<CommandDone>(new SubscribeToSession(key, writer), cancellationToken);
            await foreach (var notice in channel.Reader.ReadAllAsync(cancellationToken))
                yield return notice;
        }
        finally
        {
            (await _registry(CancellationToken.None)).Tell(new UnsubscribeFromSession(key, writer));
            writer.Tell(PoisonPill.Instance);
        }
    }

    private async Task<T> AskAsync<T>(object message, CancellationToken cancellationToken)
    {
        // A command that reaches Janus is a span, and carries it to the session, whose requests to Janus join it.
        using var span = OperationOf(message) is { } operation ? JanusTracing.StartOperation(operation, ((IJanusSessionCommand)message).Key) : null;
        if (span is not null) message = WithTrace(message, JanusTracing.CurrentTraceParent());
        var registry = await _registry(cancellationToken);
        try
        {
            return await registry.Ask<T>(message, _timeout, cancellationToken);
        }
        catch (AskTimeoutException timeout)
        {
            // Callers get the library's typed exceptions only, never Akka's.
            span?.SetStatus(ActivityStatusCode.Error, "timed out");
            throw new JanusSessionTimeoutException((message as IJanusSessionCommand)?.Key, _timeout, timeout);
        }
        catch (Exception e) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private static string? OperationOf(object message) => message switch
    {
        CreateSession => "create",
        AttachHandle => "attach",
        SendPluginMessage => "message",
        Trickle => "trickle",
        Hangup => "hangup",
        DetachHandle => "detach",
        DestroySession => "destroy",
        _ => null,
    };

    private static object WithTrace(object message, string? trace) => message switch
    {
        CreateSession command => command with { TraceParent = command.TraceParent ?? trace },
        AttachHandle command => command with { TraceParent = command.TraceParent ?? trace },
        SendPluginMessage command => command with { TraceParent = command.TraceParent ?? trace },
        Trickle command => command with { TraceParent = command.TraceParent ?? trace },
        Hangup command => command with { TraceParent = command.TraceParent ?? trace },
        DetachHandle command => command with { TraceParent = command.TraceParent ?? trace },
        DestroySession command => command with { TraceParent = command.TraceParent ?? trace },
        _ => message,
    };
}
