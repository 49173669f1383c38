using Akka.Configuration;

namespace Janus.Actors.Persistence;

/// <summary>Akka configuration for persisting sessions. The HOCON is the <c>hocon/*.conf</c> files embedded in this assembly.</summary>
public static class JanusPersistence
{
    private const string ResourcePrefix = "Janus.Actors.hocon.";

    /// <summary>
    /// <c>janus-actors.conf</c> alone: the event serializer binding, without a journal.
    /// For actor systems on another journal (e.g. tests on the in-memory journal).
    /// </summary>
    public static Config DefaultConfig { get; } = Embedded("janus-actors.conf");

    private static Config Embedded(string file)
    {
        using var stream = typeof(JanusPersistence).Assembly.GetManifestResourceStream(ResourcePrefix + file)
                           ?? throw new InvalidOperationException($"Embedded HOCON {ResourcePrefix}{file} is missing from Janus.Actors.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
