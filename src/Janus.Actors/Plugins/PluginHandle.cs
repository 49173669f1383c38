using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;
using Janus.Actors.Sessions;

namespace Janus.Actors.Plugins;

/// <summary>
/// One plugin handle of a session, typed: each of the plugin's requests is a method, its answer a record
/// (<typeparamref name="TAnswer"/>; members Janus adds later are kept in its <see cref="PluginAnswer.Extra"/>), and a
/// refusal a <see cref="JanusPluginException{TError}"/> with the plugin's error code as <typeparamref name="TError"/>.
/// A thin view over <see cref="IJanusSessions"/>: create as many as you like.
/// </summary>
public abstract class PluginHandle<TAnswer, TError> where TAnswer : PluginAnswer where TError : struct, Enum
{
    private static readonly JsonElement NoData = JsonDocument.Parse("{}").RootElement;
    private readonly IJanusSessions _sessions;

    private protected PluginHandle(IJanusSessions sessions, string key, long handleId)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
        Key = key;
        HandleId = handleId;
    }

    /// <summary>The session's key.</summary>
    public string Key { get; }

    /// <summary>The handle's Janus id.</summary>
    public long HandleId { get; }

    /// <summary>The plugin's package name, e.g. <c>janus.plugin.sip</c>.</summary>
    public abstract string Plugin { get; }

    private protected abstract JsonTypeInfo<TAnswer> AnswerType { get; }

    /// <summary>
    /// Sends <paramref name="request"/> (its <c>request</c> member names it) and reads the plugin's answer, with the JSEP
    /// that came with it. An answer with <c>error_code</c> throws the plugin's exception.
    /// </summary>
    private protected Task<TAnswer> SendAsync(JsonObject request, JsonElement? jsep, CancellationToken cancellationToken) =>
        SendAsync(request, request["request"]?.GetValue<string>() ?? throw new ArgumentException("a plugin request names itself", nameof(request)),
            jsep, cancellationToken);

    /// <summary>Sends <paramref name="request"/>, called <paramref name="name"/> in errors (for a plugin whose requests have no <c>request</c> member).</summary>
    private protected async Task<TAnswer> SendAsync(JsonObject request, string name, JsonElement? jsep, CancellationToken cancellationToken)
    {
        var reply = await _sessions.SendAsync(Key, HandleId, JsonDocument.Parse(request.ToJsonString()).RootElement, jsep, cancellationToken).ConfigureAwait(false);
        var data = DataOf(reply.PluginData);
        if (data.TryGetProperty("error_code", out var code) && code.ValueKind == JsonValueKind.Number)
            throw new JanusPluginException<TError>(Plugin, name, code.GetInt32(), data.TryGetProperty("error", out var error) ? error.GetString() ?? "" : "");
        return Read(data, reply.Jsep, AnswerType);
    }

    /// <summary>
    /// This handle's plugin events as they arrive, typed (a subscription to the session, <see cref="IJanusSessions.EventsAsync"/>,
    /// keeping this handle's plugin events). Ends when the session ends or <paramref name="cancellationToken"/> is
    /// cancelled.
    /// </summary>
    public async IAsyncEnumerable<TAnswer> EventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var notice in _sessions.EventsAsync(Key, cancellationToken).ConfigureAwait(false))
            if (notice is JanusEventReceived { Event: { Janus: JanusMessageKinds.Event } message } && message.Sender == HandleId &&
                EventOf(message, Plugin, AnswerType) is { } typed)
                yield return typed;
    }

    /// <summary>The event of <paramref name="plugin"/> in <paramref name="message"/>, with its JSEP; null for any other message.</summary>
    private protected static TAnswer? EventOf(JanusMessage message, string plugin, JsonTypeInfo<TAnswer> type)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.PluginData is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("plugin", out var name) && name.GetString() == plugin
            ? Read(DataOf(p), message.Jsep, type)
            : null;
    }

    private static TAnswer Read(JsonElement data, JsonElement? jsep, JsonTypeInfo<TAnswer> type)
    {
        var answer = data.Deserialize(type) ?? throw new JsonException($"the plugin answered JSON null for a {typeof(TAnswer).Name}");
        answer.Jsep = jsep;
        return answer;
    }

    private static JsonElement DataOf(JsonElement? pluginData) =>
        pluginData is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data : NoData;
}

/// <summary>What every plugin answer and event has: the JSEP that came with it, and the members its record does not name.</summary>
public abstract record PluginAnswer
{
    /// <summary>The JSEP that came with it (an offer of Janus's, an answer to the browser's), or null.</summary>
    [JsonIgnore] public JsonElement? Jsep { get; internal set; }

    /// <summary>Members this library does not name (a newer Janus's), as Janus sent them.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}
