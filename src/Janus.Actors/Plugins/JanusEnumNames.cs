namespace Janus.Actors.Plugins;

/// <summary>Janus's snake_case state names as enum members (<c>incall_reinviting</c> → <c>InCallReinviting</c>).</summary>
internal static class JanusEnumNames
{
    public static TEnum Parse<TEnum>(string? name, TEnum unknown) where TEnum : struct, Enum =>
        name is not null && Enum.TryParse<TEnum>(name.Replace("_", ""), ignoreCase: true, out var value) && Enum.IsDefined(value) ? value : unknown;
}
