namespace Janus.Actors.Plugins;

/// <summary>Janus's snake_case (or kebab-case) names as enum members (<c>incall_reinviting</c> → <c>InCallReinviting</c>, <c>stopped-talking</c> → <c>StoppedTalking</c>).</summary>
internal static class JanusEnumNames
{
    public static TEnum Parse<TEnum>(string? name, TEnum unknown) where TEnum : struct, Enum =>
        name is not null && Enum.TryParse<TEnum>(name.Replace("_", "").Replace("-", ""), ignoreCase: true, out var value) && Enum.IsDefined(value) ? value : unknown;
}
