using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>A <c>janus.plugin.echotest</c> handle: Janus sends the browser's media back.</summary>
public sealed class EchoTestHandle : PluginHandle<EchoTestAnswer, EchoTestErrorCode>
{
    public const string PluginName = "janus.plugin.echotest";

    internal EchoTestHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>Sets what is echoed (and the browser's <paramref name="offer"/>, answered in <see cref="PluginAnswer.Jsep"/>).</summary>
    public Task<EchoTestAnswer> ConfigureAsync(bool? audio = null, bool? video = null, int? bitrate = null, JsonElement? offer = null,
        CancellationToken cancellationToken = default)
    {
        var request = new JsonObject();
        if (audio is { } a) request["audio"] = a;
        if (video is { } v) request["video"] = v;
        if (bitrate is { } b) request["bitrate"] = b;
        return SendAsync(request, "configure", offer, cancellationToken);
    }

    /// <summary>The EchoTest plugin's event in <paramref name="message"/>; null for any other message.</summary>
    public static EchoTestAnswer? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.EchoTestAnswer);

    private protected override JsonTypeInfo<EchoTestAnswer> AnswerType => PluginJsonContext.Default.EchoTestAnswer;
}

/// <summary>An EchoTest answer: <c>{"echotest":"event","result":"ok"}</c>, or <c>result: "done"</c> when it ends.</summary>
public sealed record EchoTestAnswer : PluginAnswer
{
    public string? Echotest { get; init; }
    public string? Result { get; init; }
}

/// <summary>The EchoTest plugin's error codes (<c>JANUS_ECHOTEST_ERROR_*</c> in <c>janus_echotest.c</c>).</summary>
public enum EchoTestErrorCode { NoMessage = 411, InvalidJson = 412, InvalidElement = 413, InvalidSdp = 414, UnknownError = 499 }
