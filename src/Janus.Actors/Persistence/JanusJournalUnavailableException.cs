namespace Janus.Actors.Persistence;

/// <summary>
/// The session journal cannot be reached. The message names the database (host, port and database, or the file)
/// and the driver's reason, never the password; the driver's exception is not attached for the same reason.
/// </summary>
public sealed class JanusJournalUnavailableException(JanusJournalProvider provider, string target, string reason)
    : JanusException($"The {target} is unavailable: {reason}")
{
    /// <summary>The database kind that failed.</summary>
    public JanusJournalProvider Provider { get; } = provider;
}
