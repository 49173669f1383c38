using System.Diagnostics;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// The library's one <see cref="ActivitySource"/>, <c>Janus.Actors</c> (add it to an OpenTelemetry tracer provider with
/// <c>AddSource(JanusTracing.SourceName)</c>). A call on <c>IJanusSessions</c> is a span <c>janus.session {operation}</c>
/// (a child of whatever span is current: an ASP.NET Core request's, say); every request the session sends Janus for it is
/// a child span <c>janus {request}</c> (<c>create</c>, <c>attach</c>, <c>message</c>, …) that ends with Janus's answer,
/// across the actor and, in a cluster, across nodes. A session's own requests (claims after a crash, keep-alives, its
/// <c>info</c>) are spans of their own. Tags: <c>janus.session.key</c>, <c>janus.server</c>, <c>janus.transport</c>,
/// <c>janus.error.code</c> on an error. Never a Janus session id or a secret: ids are capabilities.
/// </summary>
public static class JanusTracing
{
    public const string SourceName = "Janus.Actors";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for a call on the façade, a child of the current span; null when nobody listens.</summary>
    internal static Activity? StartOperation(string operation, string? sessionKey)
    {
        var span = Source.StartActivity($"janus.session {operation}", ActivityKind.Internal);
        span?.SetTag("janus.session.key", sessionKey);
        return span;
    }

    /// <summary>The W3C <c>traceparent</c> of the current span, for a command to carry to its session; null when there is none.</summary>
    internal static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// A span for one request to Janus, a child of <paramref name="traceParent"/> (the command's) when there is one. Started
    /// on an actor's thread and ended by the answer, so it is never left current there.
    /// </summary>
    internal static Activity? StartRequest(string request, string? traceParent, string sessionKey, string server, string transport)
    {
        if (!Source.HasListeners()) return null;
        var previous = Activity.Current;
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = Source.StartActivity($"janus {request}", ActivityKind.Client, parent);
        Activity.Current = previous;
        span?.SetTag("janus.session.key", sessionKey).SetTag("janus.server", server).SetTag("janus.transport", transport);
        return span;
    }

    /// <summary>Ends a request's span with its outcome: <paramref name="error"/> null for an answer.</summary>
    internal static void End(this Activity? span, string? error, int? code = null)
    {
        if (span is null) return;
        if (error is not null) span.SetStatus(ActivityStatusCode.Error, error).SetTag("janus.error.code", code);
        span.Stop();
    }
}
